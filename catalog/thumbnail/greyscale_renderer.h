#pragma once
// Greyscale rendering the way a diagnostic viewer shows an image: stored
// values -> Modality LUT (PS3.3 C.11.1) -> VOI LUT or window (C.11.2) ->
// presentation (MONOCHROME1 inverted, C.7.6.3.1.2) -> 8-bit grey, shrinking
// the stored values to the thumbnail's size first. Pure functions of their
// inputs; thread-safe.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <optional>

#include "catalog/common/result.h"
#include "catalog/thumbnail/area_average.h"
#include "catalog/thumbnail/display_image.h"
#include "catalog/thumbnail/frame_layout.h"
#include "catalog/thumbnail/lookup_table.h"

namespace pixeldex::thumbnail {

// VOI LUT Function (0028,1056), PS3.3 C.11.2.1.2 and C.11.2.1.3.
enum class VoiFunction { kLinear, kLinearExact, kSigmoid };

struct Window {
  double center = 0;
  double width = 0;
  VoiFunction function = VoiFunction::kLinear;
};

struct GreyscaleParameters {
  // Modality LUT: the LUT when present, else value * slope + intercept.
  double rescale_slope = 1.0;
  double rescale_intercept = 0.0;
  std::optional<LookupTable> modality_lut;
  // VOI: the first window if present, else the VOI LUT, else a min/max window
  // over the frame's modality values (the darkest pixel black, the brightest
  // white); a constant frame spans the full Bits Stored range instead.
  std::optional<Window> window;
  std::optional<LookupTable> voi_lut;
};

// Reads the Modality LUT and VOI LUT modules that apply to frame
// `frame_index`: top-level attributes, else the Per-frame, else the Shared
// Functional Groups of enhanced multi-frame objects (PS3.3 C.7.6.16.2.9/10).
// Unusable values (width < 1, malformed LUTs) are ignored, never fatal.
GreyscaleParameters ReadGreyscaleParameters(DcmItem& dataset, bool pixel_signed,
                                            int frame_index);

// Renders a MONOCHROME1/2 frame to an 8-bit grey image of `size` (at most the
// frame's): stored values are area-averaged (area_average.h) to that size
// first, then mapped. kInvalidArgument if the frame is not monochrome or
// `size` is larger than it.
Result<DisplayImage> RenderGreyscale(const RawFrame& frame, const GreyscaleParameters& params,
                                     Size size);

}  // namespace pixeldex::thumbnail
