#pragma once
// The web page's files over HTTP: GET / is index.html, GET /ui/{file} any
// other embedded file (web_assets.h), each with its Content-Type, behind the
// same authentication as DICOMweb (RouteAccess::kRead: the browser asks for
// the Basic credentials). Every answer carries the page's security policy:
//   Content-Security-Policy: only this origin's scripts, styles, images
//     (plus data: and blob: images) and connections; no framing, no plugins
//   X-Content-Type-Options: nosniff; Referrer-Policy: no-referrer
// and Cache-Control: no-cache with an ETag (a strong validator of the
// embedded bytes): the browser asks again each time and gets 304 when the
// binary did not change. Unknown files 404. Thread-safe.

#include "server/http/router.h"

namespace pixeldex::server {

void AddWebAssetRoutes(Router& router);

// Adds the security headers above to a response of the web page or its API.
void AddWebSecurityHeaders(HttpResponse& response);

}  // namespace pixeldex::server
