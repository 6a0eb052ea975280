#pragma once
// One frame of a stored instance rendered and encoded as a WADO-RS rendered
// or thumbnail resource serves it (PS3.18 8.3.5.1.3, 10.4.1.1.3, 10.4.1.1.4):
// the thumbnail renderer (catalog/thumbnail/frame_renderer.h: Modality LUT,
// VOI window, MONOCHROME1 inversion, colour models, area averaging) with the
// window and viewport of `params` (rendered_params.h), then image/png
// (libpng) or image/jpeg (libjpeg-turbo, params.quality). Errors are the
// renderer's (kNotFound: no Pixel Data, kUnsupported, kCorruption) and
// kInvalidArgument for a viewport region outside the frame. Thread-safe for
// different datasets.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <string>

#include "catalog/common/result.h"
#include "server/dicomweb/rendered_params.h"

namespace pixeldex::server {

// Frame `frame_index` (0-based) of `dataset`, stored in `syntax`, encoded as
// `media_type` ("image/png" or "image/jpeg").
Result<std::string> RenderEncodedFrame(DcmDataset& dataset, E_TransferSyntax syntax,
                                       int frame_index, const RenderedParams& params,
                                       const std::string& media_type);

}  // namespace pixeldex::server
