#pragma once
// SHA-256 of bytes or of a whole file, as lowercase hex. The file's content
// hash is stored in the index so that `pixeldex check` can verify files.
// Sha256Hasher hashes bytes as they come (a STOW-RS part while it is
// written), so that they need not be read back; one thread at a time.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "catalog/common/result.h"

struct evp_md_ctx_st;

namespace pixeldex::storage {

class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(const void* bytes, size_t length);
  // The digest of everything updated so far; the hasher starts over.
  std::string HexDigest();

 private:
  std::unique_ptr<evp_md_ctx_st, void (*)(evp_md_ctx_st*)> ctx_;
};

std::string Sha256Hex(std::string_view bytes);
// Reads the file sequentially; IoError if it cannot be read.
Result<std::string> Sha256OfFile(const std::string& path);

}  // namespace pixeldex::storage
