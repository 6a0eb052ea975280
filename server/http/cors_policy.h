#pragma once
// CorsPolicy: Cross-Origin Resource Sharing (Fetch standard, "CORS protocol")
// for browser viewers served from another origin, per http.cors_origins
// (exact origins such as "https://viewer.example.org", or "*" for any).
// Preflights (OPTIONS with Origin and Access-Control-Request-Method) are
// answered before authentication, as browsers send no credentials on them;
// every other response to an allowed Origin names it in
// Access-Control-Allow-Origin. Responses carry "Vary: Origin" whenever a
// policy is configured, so caches keep the answers apart. Immutable.

#include <optional>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "server/http/http_message.h"

namespace pixeldex::server {

class CorsPolicy {
 public:
  CorsPolicy() = default;
  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}
  // Parses http.cors_origins (comma- or space-separated); InvalidArgument for
  // an entry that is not "*" or scheme://host[:port].
  static Result<CorsPolicy> Parse(const std::string& text);

  bool enabled() const { return !origins_.empty(); }
  bool Allows(const std::string& origin) const;
  // The answer to a preflight, or nullopt when `request` is not one. `allow`
  // lists the methods of the path ("" when the path is unknown).
  std::optional<HttpResponse> Preflight(const HttpRequest& request, const std::string& allow) const;
  // Adds the CORS headers an actual response to `request` needs.
  void Decorate(const HttpRequest& request, HttpResponse& response) const;

 private:
  std::vector<std::string> origins_;
};

}  // namespace pixeldex::server
