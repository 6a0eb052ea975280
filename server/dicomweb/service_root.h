#pragma once
// The root URL of the DICOMweb service as the client reached it,
// "<scheme>://<host>/dicom-web", for the URLs pixeldex writes into answers
// (Retrieve URL of QIDO-RS matches, BulkDataURI of WADO-RS metadata). The
// Host header is used only when it is a plain host[:port]; otherwise ""
// (the caller decides). Stateless.

#include <string>

#include "server/dicomweb/qido_service.h"
#include "server/http/http_message.h"

namespace pixeldex::server {

std::string ServiceRoot(const DicomwebContext& context, const HttpRequest& request);

}  // namespace pixeldex::server
