#include "tests/support/upper_layer_bytes.h"

namespace pixeldex::testing {
namespace {

constexpr const char* kApplicationContext = "1.2.840.10008.3.1.1.1";  // PS3.7 A.2.1
constexpr const char* kImplicitLittleEndian = "1.2.840.10008.1.2";

}  // namespace

std::string Le16(uint16_t v) { return {char(v & 0xff), char(v >> 8)}; }
std::string Le32(uint32_t v) { return Le16(v & 0xffff) + Le16(v >> 16); }
std::string Be16(uint16_t v) { return {char(v >> 8), char(v & 0xff)}; }
std::string Be32(uint32_t v) { return Be16(v >> 16) + Be16(v & 0xffff); }

std::string CommandElement(uint16_t element, const std::string& value) {
  return Le16(0x0000) + Le16(element) + Le32(static_cast<uint32_t>(value.size())) + value;
}

std::string UidValue(const std::string& uid) {
  return uid.size() % 2 == 0 ? uid : uid + '\0';
}

std::string RequestCommandSet(uint16_t command_field, const std::string& sop_class,
                              bool with_data_set) {
  return CommandElement(0x0002, UidValue(sop_class)) + CommandElement(0x0100, Le16(command_field)) +
         CommandElement(0x0110, Le16(1)) + CommandElement(0x0700, Le16(0)) +
         CommandElement(0x0800, Le16(with_data_set ? 0x0000 : 0x0101));
}

std::string PDataPdu(const std::string& fragment, uint8_t context, bool command, bool last) {
  const char control = static_cast<char>((command ? 1 : 0) | (last ? 2 : 0));
  const std::string pdv =
      Be32(static_cast<uint32_t>(fragment.size() + 2)) + char(context) + control + fragment;
  return std::string{'\x04', '\0'} + Be32(static_cast<uint32_t>(pdv.size())) + pdv;
}

std::string UpperLayerItem(uint8_t type, const std::string& value) {
  return std::string{char(type), '\0'} + Be16(static_cast<uint16_t>(value.size())) + value;
}

std::string AssociateRequestPdu(const std::string& called_field, const std::string& calling_field,
                                const std::vector<ProposedContext>& contexts,
                                const std::string& extra_user_items) {
  auto field = [](std::string s) {
    s.resize(16, ' ');
    return s;
  };
  std::string body = Be16(1) + std::string(2, '\0') + field(called_field) + field(calling_field) +
                     std::string(32, '\0');
  body += UpperLayerItem(0x10, kApplicationContext);
  for (const ProposedContext& c : contexts) {
    body += UpperLayerItem(0x20, std::string{char(c.id), '\0', '\0', '\0'} +
                                     UpperLayerItem(0x30, c.abstract_syntax) +
                                     UpperLayerItem(0x40, kImplicitLittleEndian));
  }
  body += UpperLayerItem(0x50, UpperLayerItem(0x51, Be32(16384)) + extra_user_items);
  return std::string{'\x01', '\0'} + Be32(static_cast<uint32_t>(body.size())) + body;
}

}  // namespace pixeldex::testing
