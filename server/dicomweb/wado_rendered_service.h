#pragma once
// WADO-RS rendered resources (PS3.18 10.4.1.1.3, 8.3.5.1.3) under /dicom-web:
//   /studies/{study}/series/{series}/instances/{instance}/rendered
//   /studies/{study}/series/{series}/instances/{instance}/frames/{frame}/rendered
// An instance renders its first frame; a frames resource names exactly one
// frame. The image is made by the thumbnail renderer (catalog/thumbnail/
// frame_renderer.h: Modality LUT, VOI window, MONOCHROME1 inversion, colour
// models, area averaging), with the window, viewport and quality of the
// query (rendered_params.h), and encoded as image/png (libpng) or image/jpeg
// (libjpeg-turbo) as Accept says. 400 for a malformed UID, frame or
// parameter, or a region outside the frame; 404 for no such instance or
// frame, or no Pixel Data; 406 for an Accept without those types or pixel
// data pixeldex cannot decode. Thread-safe.

#include <memory>

#include "server/dicomweb/qido_service.h"
#include "server/http/router.h"

namespace pixeldex::server {

void AddWadoRenderedRoutes(Router& router, std::shared_ptr<const DicomwebContext> context);

}  // namespace pixeldex::server
