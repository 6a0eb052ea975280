#pragma once
// Base64 (RFC 4648 4, with padding) through OpenSSL's libcrypto, for the
// password hashes and HTTP Basic credentials. Stateless.

#include <optional>
#include <string>

namespace pixeldex::server {

std::string EncodeBase64(const std::string& bytes);
// nullopt when `text` is not padded base64 or longer than `max_length`.
std::optional<std::string> DecodeBase64(const std::string& text, size_t max_length = 4096);

}  // namespace pixeldex::server
