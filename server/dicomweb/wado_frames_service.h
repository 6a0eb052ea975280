#pragma once
// WADO-RS frames (PS3.18 10.4.1.1.4) under /dicom-web:
//   /studies/{study}/series/{series}/instances/{instance}/frames/{frames}
// with {frames} a list such as "1,3,5" (frame_list.h), answered
// multipart/related with one part per frame, in the order asked
// (retrieve_syntax.h, ChooseFrameRepresentation):
//   native pixel data     application/octet-stream, each frame's bytes
//   compressed            the stored bitstream of each frame under its media
//                         type (image/jpeg, image/jls, image/jp2, ...), when
//                         asked for it or for octet-stream with
//                         transfer-syntax=*; decoded to samples for
//                         octet-stream without transfer-syntax
//   400  a malformed UID or frame list
//   404  no such instance, or a frame beyond Number of Frames
//   406  a representation pixeldex does not make
// The frames asked are read into memory (only those; the rest of Pixel
// Data stays on disk) before the answer starts. Thread-safe.

#include <memory>
#include <string>
#include <vector>

#include "server/dicomweb/qido_service.h"
#include "server/dicomweb/stored_instance.h"
#include "server/http/router.h"

namespace pixeldex::server {

// Frames `numbers` (1-based, in that order; empty: every frame) of
// `instance` in the representation `accept` admits, as answered above (also
// the bulk data answer for compressed Pixel Data).
HttpResponse FramesResponse(const StoredInstance& instance, const std::string& accept,
                            const std::vector<int>& numbers);

void AddWadoFramesRoutes(Router& router, std::shared_ptr<const DicomwebContext> context);

}  // namespace pixeldex::server
