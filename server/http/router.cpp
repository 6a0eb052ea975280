#include "server/http/router.h"

namespace pixeldex::server {
namespace {

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// True when `segments` fit `pattern`; the named segments go to `params`.
bool Fits(const std::vector<std::string>& pattern, const std::vector<std::string>& segments,
          PathParams* params) {
  if (pattern.size() != segments.size()) return false;
  PathParams found;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (segments[i].empty()) return false;
      found[pattern[i].substr(1, pattern[i].size() - 2)] = segments[i];
    } else if (pattern[i] != segments[i]) {
      return false;
    }
  }
  *params = std::move(found);
  return true;
}

}  // namespace

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> segments;
  if (path.empty() || path == "/") return segments;
  size_t start = path.front() == '/' ? 1 : 0;
  for (;;) {
    const size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return segments;
}

void Router::Add(const std::string& method, const std::string& pattern, RouteAccess access,
                 RouteHandler handler) {
  routes_.push_back({method, pattern, SplitPath(pattern), access, std::move(handler), {}});
}

void Router::AddWithCaller(const std::string& method, const std::string& pattern,
                           RouteAccess access, CallerRouteHandler handler) {
  routes_.push_back({method, pattern, SplitPath(pattern), access, {}, std::move(handler)});
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
  std::vector<std::pair<std::string, std::string>> routes;
  for (const Route& route : routes_) routes.emplace_back(route.method, route.pattern);
  return routes;
}

RouteMatch Router::Match(const std::string& method, const std::string& path) const {
  const std::vector<std::string> segments = SplitPath(path);
  // RFC 9110 9.3.2: HEAD is GET without the content.
  const std::string wanted = method == "HEAD" ? "GET" : method;
  RouteMatch match;
  for (const Route& route : routes_) {
    PathParams params;
    if (!Fits(route.segments, segments, &params)) continue;
    match.allow += (match.allow.empty() ? "" : ", ") + route.method;
    if (route.method == "GET") match.allow += ", HEAD";
    if (route.method == wanted && match.outcome != RouteMatch::Outcome::kFound) {
      match.outcome = RouteMatch::Outcome::kFound;
      if (route.caller_handler) {
        match.caller_handler = &route.caller_handler;
      } else {
        match.handler = &route.handler;
      }
      match.access = route.access;
      match.params = std::move(params);
    } else if (match.outcome == RouteMatch::Outcome::kNoSuchPath) {
      match.outcome = RouteMatch::Outcome::kMethodNotAllowed;
    }
  }
  return match;
}

}  // namespace pixeldex::server
