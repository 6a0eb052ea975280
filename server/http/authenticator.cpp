#include "server/http/authenticator.h"

#include "catalog/storage/sha256.h"
#include "server/http/base64.h"
#include "server/http/header_text.h"
#include "server/http/password_hash.h"

namespace pixeldex::server {
namespace {

// Remembered credentials; the map is emptied when full (there are few users).
constexpr size_t kMaxRemembered = 1024;

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::string current;
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\t') {
      if (!current.empty()) items.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) items.push_back(std::move(current));
  return items;
}

}  // namespace

Result<std::vector<Credential>> ParseCredentials(const std::string& text) {
  std::vector<Credential> credentials;
  for (const std::string& entry : SplitList(text)) {
    const size_t first = entry.find(':');
    const size_t last = entry.rfind(':');
    if (first == std::string::npos || first == last || first == 0) {
      return Status::InvalidArgument("'" + entry.substr(0, 32) + "...': expected NAME:HASH:rw or NAME:HASH:ro");
    }
    Credential credential;
    credential.name = entry.substr(0, first);
    credential.hash = entry.substr(first + 1, last - first - 1);
    const std::string mode = entry.substr(last + 1);
    if (mode != "rw" && mode != "ro") {
      return Status::InvalidArgument(credential.name + ": the mode must be rw or ro, got '" + mode + "'");
    }
    credential.read_only = mode == "ro";
    const Status hash = CheckPasswordHash(credential.hash);
    if (!hash.ok()) return Status::InvalidArgument(credential.name + ": " + hash.message());
    credentials.push_back(std::move(credential));
  }
  return credentials;
}

Authenticator::Authenticator(std::vector<Credential> users, std::vector<Credential> tokens)
    : users_(std::move(users)), tokens_(std::move(tokens)) {}

std::optional<Principal> Authenticator::Authenticate(const std::string& authorization) {
  // RFC 9110 11.1: the scheme is case-insensitive.
  const size_t space = authorization.find(' ');
  if (space == std::string::npos) return std::nullopt;
  const std::string scheme = AsciiLower(std::string_view(authorization).substr(0, space));
  const size_t start = authorization.find_first_not_of(' ', space);
  if (start == std::string::npos || (scheme != "basic" && scheme != "bearer")) return std::nullopt;
  const std::string credential = authorization.substr(start);

  const std::string key = storage::Sha256Hex(scheme + " " + credential);
  {
    std::lock_guard lock(mutex_);
    auto known = verified_.find(key);
    if (known != verified_.end()) return known->second;
  }
  std::optional<Principal> principal;
  if (scheme == "basic") {
    // RFC 7617 2: base64 of "user-id:password"; the user-id has no colon.
    auto decoded = DecodeBase64(credential);
    if (!decoded) return std::nullopt;
    const size_t colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    principal = Verify(users_, decoded->substr(0, colon), decoded->substr(colon + 1), true);
  } else {
    principal = Verify(tokens_, "", credential, false);
  }
  if (principal) {
    std::lock_guard lock(mutex_);
    if (verified_.size() >= kMaxRemembered) verified_.clear();
    verified_[key] = *principal;
  }
  return principal;
}

std::optional<Principal> Authenticator::Verify(const std::vector<Credential>& list,
                                               const std::string& name,
                                               const std::string& secret, bool match_name) {
  for (const Credential& credential : list) {
    if (match_name && credential.name != name) continue;
    if (VerifyPassword(secret, credential.hash)) {
      return Principal{credential.name, credential.read_only};
    }
  }
  return std::nullopt;
}

}  // namespace pixeldex::server
