#pragma once
// RequestPipeline: what happens to every parsed HTTP request, in order:
//   1. CORS preflight (answered before authentication; cors_policy.h)
//   2. routing: 404 for an unknown path, 405 with Allow for a known path
//      and another method; OPTIONS on a known path answers 204 with Allow
//   3. authentication for non-public routes when users or tokens are
//      configured: 401 with WWW-Authenticate (RFC 9110 11.6.1) when missing
//      or wrong, 403 when a read-only user calls a writing route
//   4. the handler (an exception becomes a 500; one request's surprise never
//      ends the server)
//   5. the CORS headers of the response, the observer (e.g. metrics), and
//      one access-log line
// No sockets: the HTTP server gives it requests and sends what it returns.
// Thread-safe once built (handlers run on several threads at once).

#include <functional>
#include <memory>

#include "server/http/authenticator.h"
#include "server/http/cors_policy.h"
#include "server/http/http_message.h"
#include "server/http/router.h"

namespace pixeldex::server {

// Sees every request the pipeline answers, with its response; must be thread-safe.
using RequestObserver = std::function<void(const HttpRequest&, const HttpResponse&)>;

class RequestPipeline {
 public:
  // `authenticator` may be null: every route is then public. `observer` may
  // be empty.
  RequestPipeline(Router router, std::shared_ptr<Authenticator> authenticator, CorsPolicy cors,
                  RequestObserver observer = {})
      : router_(std::move(router)),
        authenticator_(std::move(authenticator)),
        cors_(std::move(cors)),
        observer_(std::move(observer)) {}

  HttpResponse Handle(const HttpRequest& request) const;

 private:
  // The response, and who asked ("" when anonymous).
  HttpResponse Dispatch(const HttpRequest& request, const RouteMatch& match,
                        std::string* user) const;

  Router router_;
  std::shared_ptr<Authenticator> authenticator_;
  CorsPolicy cors_;
  RequestObserver observer_;
};

}  // namespace pixeldex::server
