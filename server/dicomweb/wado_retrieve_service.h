#pragma once
// WADO-RS retrieve (PS3.18 10.4.1.1.1) under /dicom-web:
//   /studies/{study}
//   /studies/{study}/series/{series}
//   /studies/{study}/series/{series}/instances/{instance}
// answered multipart/related; type="application/dicom", one part per
// instance (PS3.18 8.6.1.2, 8.7.3.5), each the stored file (PS3.10) found
// through the index (stored_file_path.h), streamed from disk without being
// read into memory (StreamedBody), or converted losslessly one at a time when
// the Accept header asks for a syntax the stored one is not
// (retrieve_syntax.h). Each part's Content-Type names its transfer syntax.
//   200  the instances, in series and instance order
//   400  a malformed UID
//   404  nothing matches
//   406  an Accept without multipart/related application/dicom, or a
//        transfer syntax an instance cannot be sent in
//   500  a stored file missing, changed or outside the storage root (logged)
// Thread-safe: each request opens its own index connection.

#include <memory>

#include "server/dicomweb/qido_service.h"
#include "server/http/router.h"

namespace pixeldex::server {

void AddWadoRetrieveRoutes(Router& router, std::shared_ptr<const DicomwebContext> context);

}  // namespace pixeldex::server
