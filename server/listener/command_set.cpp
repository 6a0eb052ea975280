#include "server/listener/command_set.h"

#include <optional>
#include <string>

#include <fmt/format.h>

namespace pixeldex::server {
namespace {

constexpr uint16_t kCommandField = 0x0100;        // PS3.7 E.1
constexpr uint16_t kCommandDataSetType = 0x0800;  // PS3.7 E.1
constexpr uint16_t kNoDataSet = 0x0101;           // PS3.7 E.1: "no data set present"
constexpr size_t kElementHeader = 8;              // tag (4) + length (4), Implicit VR

uint32_t Le(std::string_view b, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | uint8_t(b[at + i]);
  return v;
}

Status InvalidCommandSet(const std::string& why) {
  return Status::InvalidArgument("command set " + why);
}

}  // namespace

Result<CommandSetFacts> ParseCommandSet(std::string_view bytes) {
  std::optional<uint16_t> command_field;
  std::optional<uint16_t> data_set_type;
  std::optional<uint16_t> previous;  // the last element number read
  size_t at = 0;
  while (at < bytes.size()) {
    if (bytes.size() - at < kElementHeader)
      return InvalidCommandSet("ends inside an element header");
    const uint16_t group = static_cast<uint16_t>(Le(bytes, at, 2));
    const uint16_t element = static_cast<uint16_t>(Le(bytes, at + 2, 2));
    const uint32_t length = Le(bytes, at + 4, 4);
    if (group != 0x0000) {
      return InvalidCommandSet(
          fmt::format("holds ({:04X},{:04X}), outside group 0000", group, element));
    }
    if (length == 0xFFFFFFFF) return InvalidCommandSet("holds an element of undefined length");
    if (length > bytes.size() - at - kElementHeader) {
      return InvalidCommandSet(fmt::format("element (0000,{:04X}) runs past its end", element));
    }
    if (previous && element == *previous) {
      return InvalidCommandSet(fmt::format("repeats (0000,{:04X})", element));
    }
    if (previous && element < *previous) {
      return InvalidCommandSet(
          fmt::format("is not in ascending tag order at (0000,{:04X})", element));
    }
    previous = element;
    if (element == kCommandField || element == kCommandDataSetType) {
      if (length != 2) {
        return InvalidCommandSet(fmt::format("element (0000,{:04X}) is not one US value", element));
      }
      (element == kCommandField ? command_field : data_set_type) =
          static_cast<uint16_t>(Le(bytes, at + kElementHeader, 2));
    }
    at += kElementHeader + length;
  }
  if (!command_field) return InvalidCommandSet("has no Command Field (0000,0100)");
  if (!data_set_type) return InvalidCommandSet("has no Command Data Set Type (0000,0800)");
  return CommandSetFacts{*command_field, *data_set_type != kNoDataSet};
}

}  // namespace pixeldex::server
