#pragma once
// The DICOMweb service root a client used, for the URLs pixeldex writes into
// answers (Retrieve URL (0008,1190) of QIDO-RS matches and STOW-RS responses,
// BulkDataURI of WADO-RS metadata): "scheme://host[:port]/dicom-web" from the
// request's Host header, or "" when Host is absent or not a plain host[:port]
// (a URL is then left empty rather than built from arbitrary text). Stateless.

#include <string>

#include "server/http/http_message.h"

namespace pixeldex::server {

// `scheme`: "http" or "https".
std::string ServiceRoot(const HttpRequest& request, const std::string& scheme);

}  // namespace pixeldex::server
