#pragma once
// Thumbnail sizes, and area averaging (area_average.h) of 8-bit display
// images: the colour path shrinks rendered RGB; greyscale frames are shrunk
// as stored values before rendering (greyscale_renderer.h). Pure functions;
// thread-safe.

#include "catalog/thumbnail/area_average.h"
#include "catalog/thumbnail/display_image.h"

namespace pixeldex::thumbnail {

// The size that fits within max_size x max_size with the aspect ratio of
// width x height (each side at least 1). Never larger than the source: images
// that already fit keep their size.
Size FitWithin(int width, int height, int max_size);
// The same within a max_width x max_height box (a viewport).
Size FitWithinBox(int width, int height, int max_width, int max_height);

// Returns `source` resampled to `target` (each side <= the source's, >= 1) by
// area averaging, with the same channel count; `source` itself when the sizes
// are equal (pass an rvalue to spare the copy).
DisplayImage DownscaleByAreaAveraging(DisplayImage source, Size target);

}  // namespace pixeldex::thumbnail
