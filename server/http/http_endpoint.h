#pragma once
// The HTTP listener of `pixeldex serve`, assembled from the settings: the
// public operational routes (/healthz, /metrics), DICOMweb under /dicom-web
// (http.dicomweb), authentication (http.users, http.tokens), CORS
// (http.cors_origins), HTTPS (http.tls with the [tls] files) and the request
// limits (http.max_*, http.request_timeout).

#include <memory>

#include "catalog/common/result.h"
#include "server/config/settings.h"
#include "server/http/authenticator.h"
#include "server/http/cors_policy.h"
#include "server/http/http_server.h"

namespace pixeldex::server {

class DicomServer;

// Refuses (InvalidArgument, saying what to set) to serve DICOMweb on a
// non-loopback address with neither users nor tokens, unless
// http.allow_anonymous = true: patient data must not be one typo away from
// an open network.
Status CheckHttpExposure(const HttpSettings& http);

// The listener between its two steps: bound, its settings checked, not yet
// answering.
struct HttpEndpoint {
  std::unique_ptr<HttpServer> http;
  std::shared_ptr<Authenticator> authenticator;
  CorsPolicy cors;
};

// Checks every http setting and binds settings.http.listen, so that a bad
// setting or a busy port stops `serve` before it reconciles the archive;
// connections wait in the kernel's backlog until ServeHttpEndpoint.
Result<HttpEndpoint> BindHttpEndpoint(const Settings& settings);

// Starts answering on `endpoint`: /healthz and /metrics of `server` (started,
// and outliving the listener), DICOMweb over the index, with authentication
// and CORS.
void ServeHttpEndpoint(HttpEndpoint& endpoint, const Settings& settings, const DicomServer& server);

}  // namespace pixeldex::server
