#pragma once
// WADO-RS rendered resources (PS3.18 10.4.1.1.3, Table 10.4.1-3; query
// parameters 8.3.5.1) under /dicom-web:
//   /studies/{study}/rendered
//   /studies/{study}/series/{series}/rendered
//   /studies/{study}/series/{series}/instances/{instance}/rendered
//   /studies/{study}/series/{series}/instances/{instance}/frames/{frame}/rendered
// An instance renders its first frame; a frames resource names exactly one
// frame; both answer one image. A study or a series answers
// multipart/related; type="image/jpeg" (or png), one part per instance with
// pixels, each its first frame rendered as its instance resource would be,
// in series and instance order, rendered while the payload is sent;
// instances without pixel data or with pixels pixeldex cannot render
// (video) are left out (none left: 404).
// The image is made by rendered_image.h with the window, viewport and
// quality of the query (rendered_params.h), as image/png or image/jpeg as
// Accept says. 400 for a malformed UID, frame or parameter, or a region
// outside the frame; 404 for no such study, series, instance or frame, or
// no Pixel Data; 406 for an Accept without those types or
// (instance) pixel data pixeldex cannot decode. A study member whose file
// turns out unreadable ends the payload early (the client sees it
// incomplete). Thread-safe.

#include <memory>

#include "server/dicomweb/qido_service.h"
#include "server/http/router.h"

namespace pixeldex::server {

void AddWadoRenderedRoutes(Router& router, std::shared_ptr<const DicomwebContext> context);

}  // namespace pixeldex::server
