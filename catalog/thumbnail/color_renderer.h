#pragma once
// Colour rendering: RGB, YBR_FULL, YBR_FULL_422, YBR_PARTIAL(_422) and
// PALETTE COLOR frames (PS3.3 C.7.6.3.1.2) to 8-bit RGB, either planar
// configuration (C.7.6.3.1.3). Pure functions; thread-safe.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <array>

#include "catalog/common/result.h"
#include "catalog/thumbnail/display_image.h"
#include "catalog/thumbnail/frame_layout.h"
#include "catalog/thumbnail/lookup_table.h"

namespace pixeldex::thumbnail {

// Red, green and blue Palette Color LUTs (PS3.3 C.7.6.3.1.5 / C.7.6.3.1.6).
using PaletteLuts = std::array<LookupTable, 3>;

// Reads the three Palette Color LUTs of `dataset`. Segmented palettes are not
// supported (kInvalidArgument), nor are missing LUTs.
Result<PaletteLuts> ReadPaletteLuts(DcmItem& dataset, bool pixel_signed);

// True for the photometric interpretations RenderColor accepts.
bool IsColorPhotometric(const std::string& photometric);

// Renders a colour frame to an RGB image of the same size. `palette` is
// needed for PALETTE COLOR and ignored otherwise. Samples wider than 8 bits
// are scaled to 8 (Bits Stored -> 0..255). kInvalidArgument for other
// photometric interpretations.
Result<DisplayImage> RenderColor(const RawFrame& frame, const PaletteLuts* palette);

}  // namespace pixeldex::thumbnail
