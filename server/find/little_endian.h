#pragma once
// PutLittleEndian / AppendLittleEndian: the low `bytes` bytes (at most 8)
// of `value`, least significant first, written at `at` or appended to `out`:
// how DICOM's Little Endian transfer syntaxes write tags, lengths and binary
// values (PS3.5 7.3), shared by the C-FIND identifier encoder and the
// C-FIND-RSP command writer. Pure.

#include <cstdint>
#include <string>

namespace pixeldex::server {

inline void PutLittleEndian(char* at, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) at[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

inline void AppendLittleEndian(std::string* out, uint64_t value, int bytes) {
  char buffer[8];
  PutLittleEndian(buffer, value, bytes);
  out->append(buffer, static_cast<size_t>(bytes));
}

}  // namespace pixeldex::server
