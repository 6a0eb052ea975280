#include "catalog/thumbnail/box_downscaler.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace pixeldex::thumbnail {

Size FitWithin(int width, int height, int max_size) {
  return FitWithinBox(width, height, max_size, max_size);
}

Size FitWithinBox(int width, int height, int max_width, int max_height) {
  if (width <= 0 || height <= 0) return {0, 0};
  max_width = std::max(1, max_width);
  max_height = std::max(1, max_height);
  if (width <= max_width && height <= max_height) return {width, height};
  const double scale =
      std::min(static_cast<double>(max_width) / width, static_cast<double>(max_height) / height);
  return {std::clamp(static_cast<int>(std::lround(width * scale)), 1, max_width),
          std::clamp(static_cast<int>(std::lround(height * scale)), 1, max_height)};
}

DisplayImage DownscaleByAreaAveraging(DisplayImage source, Size target) {
  if (target.width == source.width && target.height == source.height) return source;
  DisplayImage result(target.width, target.height, source.channels);
  const uint8_t* pixels = source.pixels.data();
  result.pixels = AverageByArea<uint8_t>(source.width, source.height, source.channels, target,
                                         255, [pixels](size_t i) { return pixels[i]; });
  return result;
}

}  // namespace pixeldex::thumbnail
