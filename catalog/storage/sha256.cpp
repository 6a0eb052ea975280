#include "catalog/storage/sha256.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

namespace pixeldex::storage {
namespace {

std::string ToHex(const unsigned char* digest, unsigned int len) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

// Feeds the file's bytes into `hasher` to its end; IoError if it cannot be read.
Status HashFrom(const std::string& path, Sha256Hasher& hasher) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "cannot open " + path);
  constexpr size_t kBufferSize = 1 << 17;
  const std::unique_ptr<char[]> buffer(new char[kBufferSize]);  // not zeroed: read() fills it
  while (true) {
    const ssize_t n = ::read(fd, buffer.get(), kBufferSize);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return Status::FromErrno(err, "cannot read " + path);
    }
    if (n == 0) break;
    hasher.Update(buffer.get(), static_cast<size_t>(n));
  }
  ::close(fd);
  return Status::Ok();
}

}  // namespace

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
  EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
}

Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::Update(const void* bytes, size_t length) {
  EVP_DigestUpdate(ctx_.get(), bytes, length);
}

std::string Sha256Hasher::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_.get(), digest, &len);
  EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  return ToHex(digest, len);
}

std::string Sha256Hex(std::string_view bytes) {
  Sha256Hasher hasher;
  hasher.Update(bytes.data(), bytes.size());
  return hasher.HexDigest();
}

Result<std::string> Sha256OfFile(const std::string& path) {
  Sha256Hasher hasher;
  PIXELDEX_RETURN_IF_ERROR(HashFrom(path, hasher));
  return hasher.HexDigest();
}

}  // namespace pixeldex::storage
