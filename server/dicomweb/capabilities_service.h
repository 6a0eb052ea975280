#pragma once
// The Retrieve Capabilities transaction (PS3.18 8.9): OPTIONS /dicom-web
// describes every DICOMweb resource the server serves and the methods each
// takes. The description is made from the router's own table when the
// route is added, so it lists exactly what is served: add it after every
// other /dicom-web route. Two representations (PS3.18 8.9.3):
//   application/vnd.sun.wadl+xml  the default: a WADL application whose
//        nested <resource>s follow the path segments ({study} segments are
//        template <param>s) and list their <method>s
//   application/json  when the Accept header asks for it and not for WADL:
//        [{"path": "/dicom-web/studies", "methods": ["GET", "HEAD", ...]}, ...]
// 406 for an Accept that admits neither. OPTIONS on one resource is
// answered by the request pipeline (204 with its Allow header).
// Thread-safe.

#include "server/http/router.h"

namespace pixeldex::server {

inline constexpr const char* kWadlMediaType = "application/vnd.sun.wadl+xml";

// Adds OPTIONS /dicom-web (RouteAccess::kRead) describing the /dicom-web
// routes `router` holds now.
void AddCapabilitiesRoute(Router& router, std::string scheme);

}  // namespace pixeldex::server
