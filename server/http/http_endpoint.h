#pragma once
// The HTTP listener of `pixeldex serve`, assembled from the settings: the
// public operational routes (/healthz, /metrics), DICOMweb under /dicom-web
// (http.dicomweb), authentication (http.users, http.tokens), CORS
// (http.cors_origins), HTTPS (http.tls with the [tls] files) and the request
// limits (http.max_*, http.request_timeout).

#include <memory>

#include "catalog/common/result.h"
#include "server/config/settings.h"
#include "server/dicom_server.h"
#include "server/http/http_server.h"

namespace pixeldex::server {

// Refuses (InvalidArgument, saying what to set) to serve DICOMweb on a
// non-loopback address with neither users nor tokens, unless
// http.allow_anonymous = true: patient data must not be one typo away from
// an open network.
Status CheckHttpExposure(const HttpSettings& http);

// Starts the listener on settings.http.listen; `server` must outlive it.
Result<std::unique_ptr<HttpServer>> StartHttpEndpoint(const Settings& settings,
                                                      const DicomServer& server);

}  // namespace pixeldex::server
