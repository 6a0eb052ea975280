#include "catalog/import/content_hash_set.h"

#include "catalog/common/hex_digit.h"

namespace pixeldex::import {
bool ContentHashSet::Parse(std::string_view hex, Digest* digest) {
  if (hex.size() != 2 * digest->size()) return false;
  for (size_t i = 0; i < digest->size(); ++i) {
    const int hi = HexDigitValue(hex[2 * i]);
    const int lo = HexDigitValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*digest)[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

bool ContentHashSet::Insert(std::string_view sha256_hex) {
  Digest digest;
  if (!Parse(sha256_hex, &digest)) return false;
  std::lock_guard lock(mutex_);
  digests_.insert(digest);
  return true;
}

bool ContentHashSet::Contains(std::string_view sha256_hex) const {
  Digest digest;
  if (!Parse(sha256_hex, &digest)) return false;
  std::lock_guard lock(mutex_);
  return digests_.count(digest) != 0;
}

size_t ContentHashSet::size() const {
  std::lock_guard lock(mutex_);
  return digests_.size();
}

}  // namespace pixeldex::import
