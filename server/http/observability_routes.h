#pragma once
// The operational endpoints of `pixeldex serve --http`, public (no
// authentication, as before DICOMweb existed):
//   /healthz  200 "ok" when the DICOM listener accepts associations and the
//             index can be read (and storage is above its free-space
//             threshold); 503 with the reason otherwise
//   /metrics  every ServerMetrics metric, Prometheus text format 0.0.4

#include "server/http/router.h"

namespace pixeldex::server {

class DicomServer;

// `server` must outlive the router.
void AddObservabilityRoutes(Router& router, const DicomServer& server);

}  // namespace pixeldex::server
