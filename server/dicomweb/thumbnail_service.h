#pragma once
// WADO-RS Thumbnail resources (PS3.18 10.4.1.1.x, Table 10.4.1-1 "Thumbnail")
// under /dicom-web:
//   /studies/{study}/thumbnail
//   /studies/{study}/series/{series}/thumbnail
//   /studies/{study}/series/{series}/instances/{instance}/thumbnail
// answered image/png from the thumbnails the index stored at ingest (no file
// is opened): an instance's own; for a series or a study, the one of its
// first instance that has one (index::FindRepresentativeThumbnail). 404 when
// there is none (nothing matches, or no thumbnail rendered); 400 for a
// malformed UID. The answer is private (behind authentication) and may be
// kept by the browser: an instance's thumbnail changes only if the instance
// is sent again with other pixels (a day's staleness is accepted for that
// rare case), a study's or series' when instances arrive (a minute).
// Thread-safe: each request opens its own read-only connection.

#include <memory>

#include "server/dicomweb/qido_service.h"
#include "server/http/router.h"

namespace pixeldex::server {

void AddThumbnailRoutes(Router& router, std::shared_ptr<const DicomwebContext> context);

}  // namespace pixeldex::server
