#pragma once
// ParseCommandSet: the strict reading of a DIMSE command set (PS3.7 6.3,
// E.1: group 0000 elements, Implicit VR Little Endian, each of defined
// length) that the PduInspector applies before DCMTK parses the same bytes.
// Whatever two parsers could read differently is refused, not interpreted:
// an element outside group 0000, an undefined length, a tag that repeats or
// does not ascend (DCMTK keeps the first of a repeated tag and sorts the
// others), an element running past the end or bytes left over, and a Command
// Field or Command Data Set Type that is missing or not one US value. What
// is accepted has a single reading, which is DCMTK's.
// A pure function; safe from any thread.

#include <cstdint>
#include <string_view>

#include "catalog/common/result.h"

namespace pixeldex::server {

struct CommandSetFacts {
  uint16_t command_field = 0;  // (0000,0100)
  bool has_data_set = false;   // Command Data Set Type (0000,0800) other than 0101H
};

// InvalidArgument names what the command set does wrong.
Result<CommandSetFacts> ParseCommandSet(std::string_view bytes);

}  // namespace pixeldex::server
