#include "server/dimse/part10_header.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <cstdint>
#include <string_view>

namespace pixeldex::server {
namespace {

void AppendLittleEndian(std::string& out, uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

// One element of group 0002 in Explicit VR Little Endian (PS3.5 7.1.2): a
// value of odd length gets one padding byte (PS3.5 6.2: NUL for UI, space for
// the other string VRs).
void AppendElement(std::string& out, uint16_t element, const char* vr, std::string_view value,
                   char padding) {
  const bool padded = value.size() % 2 != 0;
  AppendLittleEndian(out, 0x0002, 2);
  AppendLittleEndian(out, element, 2);
  out.append(vr, 2);
  const uint32_t length = static_cast<uint32_t>(value.size() + (padded ? 1 : 0));
  if (std::string_view(vr) == "OB") {  // PS3.5 Table 7.1-1: 2 reserved bytes, 4-byte length
    AppendLittleEndian(out, 0, 2);
    AppendLittleEndian(out, length, 4);
  } else {
    AppendLittleEndian(out, length, 2);
  }
  out.append(value);
  if (padded) out.push_back(padding);
}

}  // namespace

std::string Part10Header(const Part10HeaderFields& fields) {
  std::string group;
  AppendElement(group, 0x0001, "OB", std::string_view("\x00\x01", 2), '\0');
  AppendElement(group, 0x0002, "UI", fields.sop_class_uid, '\0');
  AppendElement(group, 0x0003, "UI", fields.sop_instance_uid, '\0');
  AppendElement(group, 0x0010, "UI", fields.transfer_syntax, '\0');
  AppendElement(group, 0x0012, "UI", OFFIS_IMPLEMENTATION_CLASS_UID, '\0');
  AppendElement(group, 0x0013, "SH", OFFIS_DTK_IMPLEMENTATION_VERSION_NAME2, ' ');
  AppendElement(group, 0x0016, "AE", fields.source_ae_title, ' ');
  std::string header(128, '\0');
  header += "DICM";
  std::string length;
  AppendLittleEndian(length, static_cast<uint32_t>(group.size()), 4);
  AppendElement(header, 0x0000, "UL", length, '\0');
  return header + group;
}

}  // namespace pixeldex::server
