#pragma once
// WADO-RS bulk data (PS3.18 10.4.1.1.5) under /dicom-web: the BulkDataURIs
// the metadata answers carry,
//   /studies/{study}/series/{series}/instances/{instance}/bulkdata/{tag}
// with {tag} eight hex digits (GGGGEEEE), answered multipart/related with
// one application/octet-stream part: the value's bytes, little endian
// (PS3.18 8.7.3.3.1). The attribute is looked up at the top level of the
// stored data set first, then in its sequences (the first one found: the
// stored URIs name a tag, not a path). Encapsulated Pixel Data is served
// as its frames, one part each, as the frames service would
// (ChooseFrameRepresentation). 400 for a malformed UID or tag, 404 when the
// instance or the attribute does not exist, 406 for an Accept without
// the representation. The value is read into memory. Thread-safe.

#include <memory>

#include "server/dicomweb/qido_service.h"
#include "server/http/router.h"

namespace pixeldex::server {

void AddWadoBulkdataRoutes(Router& router, std::shared_ptr<const DicomwebContext> context);

}  // namespace pixeldex::server
