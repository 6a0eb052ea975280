#include "server/http/observability_routes.h"

#include "server/dicom_server.h"

namespace pixeldex::server {

void AddObservabilityRoutes(Router& router, const DicomServer& server) {
  router.Add("GET", "/healthz", RouteAccess::kPublic, [&server](const HttpRequest&, const PathParams&) {
    const Status health = server.CheckHealth();
    return health.ok() ? HttpResponse::Text(200, "ok") : HttpResponse::Text(503, health.message());
  });
  router.Add("GET", "/metrics", RouteAccess::kPublic, [&server](const HttpRequest&, const PathParams&) {
    return HttpResponse{200, metrics::kPrometheusContentType,
                        server.metrics().registry.RenderPrometheus()};
  });
}

}  // namespace pixeldex::server
