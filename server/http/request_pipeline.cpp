#include "server/http/request_pipeline.h"

#include "catalog/common/log.h"
#include "server/http/access_log.h"

namespace pixeldex::server {
namespace {

HttpResponse Unauthorized() {
  HttpResponse response = HttpResponse::Text(401, "authentication required");
  // RFC 7617 2 and RFC 6750 3: the schemes the client may use.
  response.AddHeader("WWW-Authenticate", "Basic realm=\"pixeldex\", charset=\"UTF-8\"");
  response.AddHeader("WWW-Authenticate", "Bearer realm=\"pixeldex\"");
  return response;
}

}  // namespace

HttpResponse RequestPipeline::Handle(const HttpRequest& request) const {
  std::string user;
  HttpResponse response;
  const RouteMatch match = router_.Match(request.method, request.Path());
  if (auto preflight = cors_.Preflight(request, match.allow)) {
    response = std::move(*preflight);
  } else {
    response = Dispatch(request, match, &user);
    cors_.Decorate(request, response);
  }
  if (observer_) observer_(request, response);
  LogHttpRequestWhenSent(request, response, user);
  return response;
}

HttpResponse RequestPipeline::Dispatch(const HttpRequest& request, const RouteMatch& match,
                                       std::string* user) const {
  if (match.outcome != RouteMatch::Outcome::kFound) {
    if (match.outcome == RouteMatch::Outcome::kNoSuchPath) {
      return HttpResponse::Text(404, "not found");
    }
    HttpResponse response = request.method == "OPTIONS"
                                ? HttpResponse{204, "text/plain; charset=utf-8", ""}
                                : HttpResponse::Text(405, "method not allowed");
    response.AddHeader("Allow", match.allow);
    return response;
  }
  if (match.access != RouteAccess::kPublic && authenticator_ && authenticator_->enabled()) {
    auto principal = authenticator_->Authenticate(request.Header("authorization"));
    if (!principal) return Unauthorized();
    *user = principal->name;
    if (match.access == RouteAccess::kWrite && principal->read_only) {
      return HttpResponse::Text(403, "user " + principal->name + " is read-only");
    }
  }
  try {
    if (match.caller_handler) return (*match.caller_handler)(request, match.params, *user);
    return (*match.handler)(request, match.params);
  } catch (const std::exception& e) {  // e.g. out of memory: answer, do not die
    LogError("http: {} {} failed: {}", request.method, request.Path(), e.what());
    return HttpResponse::Text(500, "internal error");
  }
}

}  // namespace pixeldex::server
