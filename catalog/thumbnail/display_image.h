#pragma once
// DisplayImage: 8-bit pixels ready to be shown, either grey (1 channel) or RGB
// (3 channels, interleaved), rows top to bottom without padding. It is the
// hand-over format between the renderers, the downscaler and the PNG encoder.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pixeldex::thumbnail {

struct DisplayImage {
  int width = 0;
  int height = 0;
  int channels = 1;  // 1 = grey, 3 = RGB
  std::vector<uint8_t> pixels;  // width * height * channels bytes

  DisplayImage() = default;
  DisplayImage(int w, int h, int c)
      : width(w), height(h), channels(c), pixels(static_cast<size_t>(w) * h * c) {}
};

}  // namespace pixeldex::thumbnail
