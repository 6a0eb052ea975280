#pragma once
// Router: maps a method and a path to a handler. Patterns are literal path
// segments and `{name}` segments that match one non-empty segment, e.g.
// "/dicom-web/studies/{study}/series"; a handler gets the named segments
// still percent-encoded and must validate them itself (a DICOMweb handler
// checks each as a UID before using it). HEAD is answered by the GET route.
// Each route says who may call it (RouteAccess). Built once before the
// server starts, then read-only: safe to share between threads.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "server/http/http_message.h"

namespace pixeldex::server {

using PathParams = std::map<std::string, std::string>;
using RouteHandler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;
// A handler that is also told who calls: the authenticated user's name, ""
// when the request is anonymous (no users or tokens configured). For routes
// that record who did what (DICOMweb DELETE).
using CallerRouteHandler =
    std::function<HttpResponse(const HttpRequest&, const PathParams&, const std::string& caller)>;

enum class RouteAccess {
  kPublic,  // no authentication (/healthz, /metrics)
  kRead,    // an authenticated user, read-only users included
  kWrite,   // an authenticated user that is not read-only (STOW, deletes)
};

struct RouteMatch {
  enum class Outcome { kFound, kNoSuchPath, kMethodNotAllowed };
  Outcome outcome = Outcome::kNoSuchPath;
  // kFound: exactly one of the two is set.
  const RouteHandler* handler = nullptr;
  const CallerRouteHandler* caller_handler = nullptr;
  RouteAccess access = RouteAccess::kPublic;
  PathParams params;
  std::string allow;  // kMethodNotAllowed and kFound: "GET, HEAD, ..." of the path
};

class Router {
 public:
  void Add(const std::string& method, const std::string& pattern, RouteAccess access,
           RouteHandler handler);
  void AddWithCaller(const std::string& method, const std::string& pattern, RouteAccess access,
                     CallerRouteHandler handler);
  // `path` without the query string.
  RouteMatch Match(const std::string& method, const std::string& path) const;
  // Every route's method and pattern, in the order added (for a
  // description of the service that cannot disagree with what it serves).
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    RouteAccess access;
    RouteHandler handler;                // or
    CallerRouteHandler caller_handler;
  };
  std::vector<Route> routes_;
};

// The segments of a path ("/a/b" -> {"a","b"}; "/" -> {}); an empty segment
// ("/a//b", "/a/") is kept as "" so it matches no pattern.
std::vector<std::string> SplitPath(const std::string& path);

}  // namespace pixeldex::server
