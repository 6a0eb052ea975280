#pragma once
// Area-averaging downscaler: every target pixel is the mean of the source
// area it covers, partially covered source pixels weighted by their covered
// fraction (a box filter), so fine detail averages to its mean grey instead of
// aliasing as nearest-neighbour sampling would. Pure functions; thread-safe.

#include "catalog/thumbnail/display_image.h"

namespace pixeldex::thumbnail {

struct Size {
  int width = 0;
  int height = 0;
};

// The size that fits within max_size x max_size with the aspect ratio of
// width x height (each side at least 1). Never larger than the source: images
// that already fit keep their size.
Size FitWithin(int width, int height, int max_size);

// Returns `source` resampled to `target` (each side <= the source's, >= 1) by
// area averaging, with the same channel count. Returns a copy when the sizes
// are equal.
DisplayImage DownscaleByAreaAveraging(const DisplayImage& source, Size target);

}  // namespace pixeldex::thumbnail
