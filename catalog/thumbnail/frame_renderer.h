#pragma once
// One frame of a dataset rendered for display, the way a radiologist's
// viewer shows it (Modality LUT, VOI window, MONOCHROME1 inversion, colour
// models) and shrunk by area averaging: the one renderer behind thumbnails
// (thumbnail_renderer.h) and the WADO-RS rendered resources (PS3.18
// 8.3.5.1.3), which choose the frame, the box to fit in and the window.
// Errors: kNotFound (no Pixel Data), kUnsupported (video, JPIP, retired JPEG
// processes), kInvalidArgument (no such frame, inconsistent attributes),
// kCorruption (undecodable pixel data). Thread-safe for different datasets;
// memory is bounded by one decoded frame.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <optional>

#include "catalog/common/result.h"
#include "catalog/thumbnail/area_average.h"
#include "catalog/thumbnail/display_image.h"
#include "catalog/thumbnail/greyscale_renderer.h"

namespace pixeldex::thumbnail {

struct RenderOptions {
  // 0-based; -1: the representative frame (Number of Frames / 2).
  int frame_index = -1;
  // The box the image is fitted in, aspect ratio kept, never upscaled;
  // {0, 0}: the frame's own size.
  Size fit;
  // Replaces the dataset's VOI (window or VOI LUT) of a greyscale image.
  std::optional<Window> window;
};

Result<DisplayImage> RenderDisplayFrame(DcmDataset& dataset, E_TransferSyntax transfer_syntax,
                                        const RenderOptions& options);

}  // namespace pixeldex::thumbnail
