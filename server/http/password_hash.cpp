#include "server/http/password_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <vector>

#include "server/http/base64.h"

namespace pixeldex::server {
namespace {

constexpr const char* kScheme = "pbkdf2-sha256";
constexpr size_t kSaltBytes = 16;
constexpr size_t kKeyBytes = 32;

struct ParsedHash {
  int iterations = 0;
  std::string salt;
  std::string key;
};

Result<ParsedHash> Parse(const std::string& hash) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t dollar = hash.find('$', start);
    parts.push_back(hash.substr(start, dollar - start));
    if (dollar == std::string::npos) break;
    start = dollar + 1;
  }
  if (parts.size() != 4 || parts[0] != kScheme) {
    return Status::InvalidArgument(std::string("expected ") + kScheme +
                                   "$ITERATIONS$SALT$HASH (from pixeldex hash-password)");
  }
  ParsedHash parsed;
  auto [ptr, ec] =
      std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), parsed.iterations);
  if (ec != std::errc() || ptr != parts[1].data() + parts[1].size() ||
      parsed.iterations < kMinPasswordIterations) {
    return Status::InvalidArgument("iterations must be a number of at least " +
                                   std::to_string(kMinPasswordIterations));
  }
  auto salt = DecodeBase64(parts[2]);
  if (!salt || salt->size() < 8) {
    return Status::InvalidArgument("the salt must be base64 of at least 8 bytes");
  }
  parsed.salt = *salt;
  auto key = DecodeBase64(parts[3]);
  if (!key || key->size() != kKeyBytes) {
    return Status::InvalidArgument("the hash must be base64 of 32 bytes");
  }
  parsed.key = *key;
  return parsed;
}

Result<std::string> Derive(const std::string& secret, const std::string& salt, int iterations) {
  std::string key(kKeyBytes, '\0');
  if (PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(key.size()),
                        reinterpret_cast<unsigned char*>(key.data())) != 1) {
    return Status::Internal("PBKDF2 failed");
  }
  return key;
}

Result<std::string> RandomBytes(size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
    return Status::Internal("no random bytes from OpenSSL");
  }
  return bytes;
}

}  // namespace

Result<std::string> HashPassword(const std::string& secret, int iterations) {
  if (iterations < kMinPasswordIterations) {
    return Status::InvalidArgument("iterations must be at least " +
                                   std::to_string(kMinPasswordIterations));
  }
  auto salt = RandomBytes(kSaltBytes);
  if (!salt.ok()) return salt.status();
  auto key = Derive(secret, *salt, iterations);
  if (!key.ok()) return key.status();
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + EncodeBase64(*salt) + "$" +
         EncodeBase64(*key);
}

Status CheckPasswordHash(const std::string& hash) { return Parse(hash).status(); }

bool VerifyPassword(const std::string& secret, const std::string& hash) {
  auto parsed = Parse(hash);
  if (!parsed.ok()) return false;
  auto key = Derive(secret, parsed->salt, parsed->iterations);
  return key.ok() && CRYPTO_memcmp(key->data(), parsed->key.data(), kKeyBytes) == 0;
}

Result<std::string> NewToken() {
  auto bytes = RandomBytes(32);
  if (!bytes.ok()) return bytes.status();
  std::string token = EncodeBase64(*bytes);
  // RFC 4648 5 (base64url), no padding: safe in a header and a shell.
  for (char& c : token) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!token.empty() && token.back() == '=') token.pop_back();
  return token;
}

}  // namespace pixeldex::server
