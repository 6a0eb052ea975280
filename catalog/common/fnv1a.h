#pragma once
// Fnv1a64: the 64-bit FNV-1a hash of some bytes (Fowler, Noll and Vo: offset
// basis 14695981039346656037, prime 1099511628211). Fixed by its definition,
// so the same in every process, build and library, unlike std::hash (whose
// value is the library's choice): the key of a lock that several processes
// share (pg_instance_locks.h, index_lock_file.h) and of an entity tag.

#include <cstdint>
#include <string_view>

namespace pixeldex {

constexpr uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace pixeldex
