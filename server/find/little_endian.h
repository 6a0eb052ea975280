#pragma once
// AppendLittleEndian: the low `bytes` bytes of `value`, least significant
// first, appended to `out`: how DICOM's Little Endian transfer syntaxes write
// tags, lengths and binary values (PS3.5 7.3), shared by the C-FIND identifier
// encoder and the C-FIND-RSP command writer. Pure.

#include <cstdint>
#include <string>

namespace pixeldex::server {

inline void AppendLittleEndian(std::string* out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

}  // namespace pixeldex::server
