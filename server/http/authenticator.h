#pragma once
// Authenticator: who is calling, from the Authorization header.
//   Basic (RFC 7617) against http.users, Bearer (RFC 6750) against
//   http.tokens; both lists hold entries "NAME:HASH:MODE", comma- or
//   space-separated, HASH from password_hash.h (a token is hashed like a
//   password), MODE rw or ro (read-only: GET/HEAD routes only).
// A hash costs tens of milliseconds by design, so a credential that verified
// once is remembered (by its SHA-256, in memory only) and later requests
// cost a lookup; failures are never remembered. Thread-safe.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/common/result.h"

namespace pixeldex::server {

struct Principal {
  std::string name;
  bool read_only = false;
};

struct Credential {
  std::string name;
  std::string hash;
  bool read_only = false;
};

// Parses an http.users or http.tokens value; InvalidArgument names the entry.
Result<std::vector<Credential>> ParseCredentials(const std::string& text);

class Authenticator {
 public:
  Authenticator(std::vector<Credential> users, std::vector<Credential> tokens);

  // True when any user or token is configured (otherwise every request is
  // anonymous and allowed, see http.allow_anonymous).
  bool enabled() const { return !users_.empty() || !tokens_.empty(); }
  // The caller named by `authorization` (the header's value), or nullopt
  // when it is missing, malformed or wrong.
  std::optional<Principal> Authenticate(const std::string& authorization);

 private:
  std::optional<Principal> Verify(const std::vector<Credential>& list, const std::string& name,
                                  const std::string& secret, bool match_name);

  std::vector<Credential> users_;
  std::vector<Credential> tokens_;
  std::mutex mutex_;
  std::map<std::string, Principal> verified_;  // SHA-256 of "scheme credential"
};

}  // namespace pixeldex::server
