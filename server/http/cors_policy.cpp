#include "server/http/cors_policy.h"

#include <algorithm>

namespace pixeldex::server {
namespace {

// The request headers a DICOMweb client sends beyond the CORS-safelisted ones.
constexpr const char* kAllowedHeaders = "Authorization, Accept, Content-Type";
// Response headers a page may read (Warning: PS3.18 8.3.4.4 fuzzy matching).
constexpr const char* kExposedHeaders = "Warning, Content-Location, Content-Length";

bool LooksLikeOrigin(const std::string& origin) {
  const size_t scheme = origin.find("://");
  if (scheme == std::string::npos || scheme == 0) return false;
  const std::string rest = origin.substr(scheme + 3);
  return !rest.empty() && rest.find('/') == std::string::npos &&
         std::none_of(origin.begin(), origin.end(),
                      [](char c) { return c <= ' ' || c == ',' || c == '*'; });
}

}  // namespace

Result<CorsPolicy> CorsPolicy::Parse(const std::string& text) {
  std::vector<std::string> origins;
  std::string current;
  for (size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ',';
    if (c != ',' && c != ' ' && c != '\t') {
      current += c;
      continue;
    }
    if (current.empty()) continue;
    if (current != "*" && !LooksLikeOrigin(current)) {
      return Status::InvalidArgument("'" + current +
                                     "' is not an origin (scheme://host[:port], no path) or *");
    }
    origins.push_back(std::move(current));
    current.clear();
  }
  return CorsPolicy(std::move(origins));
}

bool CorsPolicy::Allows(const std::string& origin) const {
  if (origin.empty()) return false;
  return std::any_of(origins_.begin(), origins_.end(),
                     [&](const std::string& o) { return o == "*" || o == origin; });
}

std::optional<HttpResponse> CorsPolicy::Preflight(const HttpRequest& request,
                                                  const std::string& allow) const {
  if (request.method != "OPTIONS" || request.Header("origin").empty() ||
      request.Header("access-control-request-method").empty()) {
    return std::nullopt;
  }
  HttpResponse response{204, "text/plain; charset=utf-8", ""};
  response.AddHeader("Vary", "Origin");
  const std::string origin = request.Header("origin");
  if (!Allows(origin) || allow.empty()) return response;  // no grant: the browser refuses
  response.AddHeader("Access-Control-Allow-Origin", origin);
  response.AddHeader("Access-Control-Allow-Methods", allow);
  response.AddHeader("Access-Control-Allow-Headers", kAllowedHeaders);
  response.AddHeader("Access-Control-Allow-Credentials", "true");
  response.AddHeader("Access-Control-Max-Age", "600");
  return response;
}

void CorsPolicy::Decorate(const HttpRequest& request, HttpResponse& response) const {
  if (!enabled()) return;
  response.AddHeader("Vary", "Origin");
  const std::string origin = request.Header("origin");
  if (!Allows(origin)) return;
  response.AddHeader("Access-Control-Allow-Origin", origin);
  response.AddHeader("Access-Control-Allow-Credentials", "true");
  response.AddHeader("Access-Control-Expose-Headers", kExposedHeaders);
}

}  // namespace pixeldex::server
