#pragma once
// DICOMweb on /metrics: every request the request pipeline answers under
// /dicom-web is counted by resource kind and HTTP status class
// (pixeldex_dicomweb_requests_total{kind,status}) and timed from its
// arrival to its answer being ready
// (pixeldex_dicomweb_request_duration_seconds{kind}). Requests the HTTP
// server refuses before the pipeline sees them (413, 408, 429) are not
// counted here; the access log has them. Thread-safe.

#include <string>
#include <string_view>

#include "server/http/http_message.h"
#include "server/metrics/server_metrics.h"

namespace pixeldex::server {

// The kind of DICOMweb resource a request addresses, from the method and
// the path's shape (PS3.18 groups its resources the same way):
//   "stow"          POST
//   "capabilities"  OPTIONS
//   "metadata"      GET/HEAD of .../metadata
//   "qido"          GET/HEAD of a collection: the path ends in studies,
//                   series or instances
//   "wado"          any other GET/HEAD (instances, frames, bulk data,
//                   rendered, thumbnail)
//   "other"         any other method
// and "" for a path outside /dicom-web.
std::string_view DicomwebResourceKind(const std::string& method, const std::string& path);

// Counts and times `response` to `request` unless it is outside /dicom-web.
void CountDicomwebRequest(metrics::ServerMetrics& metrics, const HttpRequest& request,
                          const HttpResponse& response);

}  // namespace pixeldex::server
