#include "server/http/observability_routes.h"

namespace pixeldex::server {

HttpRoutes ObservabilityRoutes(const DicomServer& server) {
  HttpRoutes routes;
  routes["/healthz"] = [&server] {
    const Status health = server.CheckHealth();
    return health.ok() ? HttpResponse{200, "text/plain; charset=utf-8", "ok\n"}
                       : HttpResponse{503, "text/plain; charset=utf-8", health.message() + "\n"};
  };
  routes["/metrics"] = [&server] {
    return HttpResponse{200, metrics::kPrometheusContentType,
                        server.metrics().registry.RenderPrometheus()};
  };
  return routes;
}

}  // namespace pixeldex::server
