#pragma once
// ContentHashSet: the SHA-256 digests of the contents already cataloged, so
// that a copying import can recognise a file it (or anyone) cataloged before
// without a query per file (the index has no index on sha256, and a scan per
// file would make an import quadratic). 32 bytes per instance: a million
// instances cost about 60 MB with the set's overhead. Thread-safe.

#include <array>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string_view>
#include <unordered_set>

namespace pixeldex::import {

class ContentHashSet {
 public:
  // Adds a lowercase or uppercase hex digest; false if it is not 64 hex digits.
  bool Insert(std::string_view sha256_hex);
  bool Contains(std::string_view sha256_hex) const;
  size_t size() const;

 private:
  using Digest = std::array<uint8_t, 32>;
  struct DigestHash {
    size_t operator()(const Digest& d) const {
      size_t h;  // the digest is uniformly distributed already
      std::memcpy(&h, d.data(), sizeof(h));
      return h;
    }
  };
  static bool Parse(std::string_view hex, Digest* digest);

  mutable std::mutex mutex_;
  std::unordered_set<Digest, DigestHash> digests_;
};

}  // namespace pixeldex::import
