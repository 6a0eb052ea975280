#pragma once
// Salted, slow password hashes for http.users and http.tokens, in the form
//   pbkdf2-sha256$<iterations>$<salt, base64>$<derived key, base64>
// PBKDF2-HMAC-SHA256 (RFC 8018 5.2, NIST SP 800-132) from OpenSSL's libcrypto;
// 600000 iterations by default (OWASP's 2023 figure for this function). The
// string carries its iterations, so stronger hashes can be issued later
// without breaking existing ones. Stateless; safe from any thread.

#include <string>

#include "catalog/common/result.h"

namespace pixeldex::server {

inline constexpr int kDefaultPasswordIterations = 600000;
// Fewer iterations are refused when a hash is parsed (a config typo must not
// quietly make a hash cheap to crack).
inline constexpr int kMinPasswordIterations = 1000;

// A new hash of `secret` with a random 16-byte salt.
Result<std::string> HashPassword(const std::string& secret,
                                 int iterations = kDefaultPasswordIterations);

// InvalidArgument says what is wrong with a hash string.
Status CheckPasswordHash(const std::string& hash);

// True when `secret` hashes to `hash` (compared in constant time); false for
// a malformed hash too.
bool VerifyPassword(const std::string& secret, const std::string& hash);

// A random secret fit to be a bearer token: 32 bytes, base64url, no padding.
Result<std::string> NewToken();

}  // namespace pixeldex::server
