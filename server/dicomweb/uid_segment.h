#pragma once
// Every UID a DICOMweb URL carries ({study}, {series}, {instance} path
// segments) is checked here before any use: PS3.5 9.1 (digits and dots, at
// most 64 characters, no empty component, no leading zero in a component).
// A valid UID cannot contain '/', '%', '*', '?', '\\' or "..", so it can
// neither widen a match nor name a path. Stateless.

#include <string>

#include "server/http/router.h"

#include "catalog/common/result.h"

namespace pixeldex::server {

// The segment, when it is a valid UID; InvalidArgument (-> 400) saying which
// `what` ("Study Instance UID") is malformed otherwise.
Result<std::string> ValidUidSegment(const std::string& segment, const std::string& what);

// The {study}, {series} and {instance} segments of a route, each checked as
// above; "" for one the route does not have.
struct ResourceUids {
  std::string study, series, instance;
};
Result<ResourceUids> ValidResourceUids(const PathParams& params);

}  // namespace pixeldex::server
