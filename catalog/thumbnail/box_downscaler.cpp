#include "catalog/thumbnail/box_downscaler.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace pixeldex::thumbnail {
namespace {

// For one axis: which source pixels each target pixel covers, and how much.
struct AxisWeights {
  std::vector<int> first;        // first source index per target index
  std::vector<int> count;        // number of source pixels per target index
  std::vector<size_t> offset;    // start in `weight` per target index
  std::vector<float> weight;     // covered fraction / box size; sums to 1
};

AxisWeights ComputeAxisWeights(int source, int target) {
  AxisWeights axis;
  axis.first.resize(target);
  axis.count.resize(target);
  axis.offset.resize(target);
  const double scale = static_cast<double>(source) / target;
  for (int t = 0; t < target; ++t) {
    const double begin = t * scale, end = (t + 1) * scale;
    const int first = static_cast<int>(std::floor(begin));
    const int last = std::min(source, static_cast<int>(std::ceil(end - 1e-9)));
    axis.first[t] = first;
    axis.count[t] = last - first;
    axis.offset[t] = axis.weight.size();
    for (int s = first; s < last; ++s) {
      const double covered = std::min<double>(end, s + 1) - std::max<double>(begin, s);
      axis.weight.push_back(static_cast<float>(covered / scale));
    }
  }
  return axis;
}

// out[t * channels + c]: weighted sum over the source pixels target t covers.
void FilterRow(const float* row, const AxisWeights& x, int channels, int target_width,
               uint8_t* out) {
  for (int t = 0; t < target_width; ++t) {
    const float* src = row + static_cast<size_t>(x.first[t]) * channels;
    const float* w = x.weight.data() + x.offset[t];
    for (int c = 0; c < channels; ++c) {
      float sum = 0;
      for (int i = 0; i < x.count[t]; ++i) sum += w[i] * src[i * channels + c];
      out[t * channels + c] = static_cast<uint8_t>(std::clamp(sum + 0.5f, 0.0f, 255.0f));
    }
  }
}

// Exact path for whole-number ratios (512 -> 256, 2048 -> 256): integer sums
// over fx x fy blocks, which the compiler vectorises.
DisplayImage DownscaleByWholeFactors(const DisplayImage& source, Size target) {
  const int channels = source.channels;
  const int fx = source.width / target.width, fy = source.height / target.height;
  const uint32_t area = static_cast<uint32_t>(fx) * fy;
  DisplayImage result(target.width, target.height, channels);
  const size_t source_stride = static_cast<size_t>(source.width) * channels;
  std::vector<uint32_t> column_sums(source_stride);
  for (int t = 0; t < target.height; ++t) {
    std::fill(column_sums.begin(), column_sums.end(), 0u);
    for (int i = 0; i < fy; ++i) {
      const uint8_t* row = source.pixels.data() + (static_cast<size_t>(t) * fy + i) * source_stride;
      for (size_t v = 0; v < source_stride; ++v) column_sums[v] += row[v];
    }
    uint8_t* out = result.pixels.data() + static_cast<size_t>(t) * target.width * channels;
    for (int x = 0; x < target.width; ++x) {
      for (int c = 0; c < channels; ++c) {
        const uint32_t* sums = column_sums.data() + static_cast<size_t>(x) * fx * channels + c;
        uint32_t sum = 0;
        for (int i = 0; i < fx; ++i) sum += sums[i * channels];
        out[x * channels + c] = static_cast<uint8_t>((sum + area / 2) / area);
      }
    }
  }
  return result;
}

}  // namespace

Size FitWithin(int width, int height, int max_size) {
  if (width <= 0 || height <= 0) return {0, 0};
  max_size = std::max(1, max_size);
  if (width <= max_size && height <= max_size) return {width, height};
  const double scale = static_cast<double>(max_size) / std::max(width, height);
  return {std::clamp(static_cast<int>(std::lround(width * scale)), 1, max_size),
          std::clamp(static_cast<int>(std::lround(height * scale)), 1, max_size)};
}

DisplayImage DownscaleByAreaAveraging(const DisplayImage& source, Size target) {
  if (target.width == source.width && target.height == source.height) return source;
  if (source.width % target.width == 0 && source.height % target.height == 0) {
    return DownscaleByWholeFactors(source, target);
  }
  // Vertical pass into one float row (vectorisable), then horizontal pass:
  // each source row is read at most twice.
  const int channels = source.channels;
  const AxisWeights x = ComputeAxisWeights(source.width, target.width);
  const AxisWeights y = ComputeAxisWeights(source.height, target.height);
  DisplayImage result(target.width, target.height, channels);
  const size_t source_stride = static_cast<size_t>(source.width) * channels;
  std::vector<float> column_sums(source_stride);
  for (int t = 0; t < target.height; ++t) {
    std::fill(column_sums.begin(), column_sums.end(), 0.0f);
    const float* w = y.weight.data() + y.offset[t];
    for (int i = 0; i < y.count[t]; ++i) {
      const uint8_t* row = source.pixels.data() + (y.first[t] + i) * source_stride;
      const float weight = w[i];
      for (size_t v = 0; v < source_stride; ++v) column_sums[v] += weight * row[v];
    }
    FilterRow(column_sums.data(), x, channels, target.width,
              result.pixels.data() + static_cast<size_t>(t) * target.width * channels);
  }
  return result;
}

}  // namespace pixeldex::thumbnail
