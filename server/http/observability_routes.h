#pragma once
// The operational endpoints of `pixeldex serve --http`:
//   /healthz  200 "ok" when the DICOM listener accepts associations and the
//             index can be read (and storage is above its free-space
//             threshold); 503 with the reason otherwise
//   /metrics  every ServerMetrics metric, Prometheus text format 0.0.4

#include "server/dicom_server.h"
#include "server/http/http_server.h"

namespace pixeldex::server {

// `server` must outlive the routes.
HttpRoutes ObservabilityRoutes(const DicomServer& server);

}  // namespace pixeldex::server
