#pragma once
// WADO-RS Thumbnail resources (PS3.18 10.4.1.1.4) under /dicom-web:
//   /studies/{study}/thumbnail
//   /studies/{study}/series/{series}/thumbnail
//   /studies/{study}/series/{series}/instances/{instance}/thumbnail
//   /studies/{study}/series/{series}/instances/{instance}/frames/{frame}/thumbnail
// One image that stands for the resource, as Accept asks: image/png or
// image/jpeg (image/*, */* or no Accept: image/png; neither: 406), fitted
// in the `viewport` (vw,vh; PS3.18 8.3.5.1.3; a region is refused), else
// in a `max_size` square (thumbnails.max_size). `window` and `quality`
// work as for rendered resources. Which image:
//   - the one the index stored at ingest (no file opened) when it is a PNG
//     that is asked, no window or frame is asked, and it is what rendering
//     would give: no viewport, or one it fills on a side (or that it fits
//     in whole, when ingest did not shrink it);
//   - else rendered (rendered_image.h) from the file: the frame asked, or
//     the representative frame (as at ingest) of the instance, or of the
//     first instance with pixels of the series or study, in series and
//     instance order.
// 404 when nothing matches or nothing has pixels to render; 400 for a
// malformed UID, frame or parameter. The answer is private (behind
// authentication) and may be kept by the browser: an instance's thumbnail
// changes only if the instance is sent again with other pixels (a day's
// staleness is accepted for that rare case), a study's or series' when
// instances arrive (a minute). Thread-safe: each request opens its own
// read-only connection.

#include <memory>

#include "server/dicomweb/qido_service.h"
#include "server/http/router.h"

namespace pixeldex::server {

void AddThumbnailRoutes(Router& router, std::shared_ptr<const DicomwebContext> context,
                        int max_size);

}  // namespace pixeldex::server
