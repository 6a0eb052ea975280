#pragma once
// Area averaging of a plane of samples, the one resampling kernel behind the
// thumbnails: every target sample is the mean of the source area it covers,
// partially covered source samples weighted by their covered fraction (a box
// filter), so fine detail averages to its mean instead of aliasing as
// nearest-neighbour sampling would. Header-only (a template over the sample
// type, instantiated in the -O3 renderers); thread-safe.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "catalog/thumbnail/vector_clones.h"

namespace pixeldex::thumbnail {

struct Size {
  int width = 0;
  int height = 0;
};

// For one axis: which source samples each target sample covers, and how much.
struct AxisWeights {
  std::vector<int> first;      // first source index per target index
  std::vector<int> count;      // number of source samples per target index
  std::vector<size_t> offset;  // start in `weight` per target index
  std::vector<double> weight;  // covered fraction / box size; sums to 1
};
AxisWeights ComputeAxisWeights(int source, int target);

// sum / divisor rounded to nearest, halves away from zero. A power-of-two
// divisor (2x2, 4x4, 8x8 blocks) becomes a shift: one per thumbnail pixel,
// where a 64-bit division would cost more than summing its block.
class RoundedDivider {
 public:
  explicit RoundedDivider(int64_t divisor) : divisor_(divisor), half_(divisor / 2) {
    while ((int64_t{1} << shift_) < divisor) ++shift_;
    if ((int64_t{1} << shift_) != divisor) shift_ = -1;
  }
  int64_t operator()(int64_t sum) const {
    const int64_t magnitude = sum >= 0 ? sum + half_ : half_ - sum;
    const int64_t quotient = shift_ >= 0 ? magnitude >> shift_ : magnitude / divisor_;
    return sum >= 0 ? quotient : -quotient;
  }
  // out[i] = (*this)(sums[i]) for n sums, without a branch per sum when the
  // divisor is a power of two, so that the loop vectorises: the sign is
  // taken off and put back with the sum's sign mask (x ^ m) - m. The sums
  // must not be Sum's minimum (a block's sum never is).
  template <typename Sum, typename V>
  void Divide(const Sum* sums, V* out, size_t n) const {
    if (shift_ < 0) {
      for (size_t i = 0; i < n; ++i) out[i] = static_cast<V>((*this)(sums[i]));
      return;
    }
    const Sum half = static_cast<Sum>(half_);
    const int shift = shift_;
    for (size_t i = 0; i < n; ++i) {
      const Sum sign = sums[i] >> (sizeof(Sum) * 8 - 1);  // 0 or -1
      const Sum quotient = (((sums[i] ^ sign) - sign) + half) >> shift;
      out[i] = static_cast<V>((quotient ^ sign) - sign);
    }
  }

 private:
  int64_t divisor_;
  int64_t half_;
  int shift_ = 0;
};

// block[x * channels + c] = the sum of column[(x * fx + i) * channels + c]
// over i < fx, for `width` target samples: one row's block sums from its
// column sums. Always inlined, so that where SumBlockColumns passes fx and
// channels as constants the compiler vectorises the loop (with them at run
// time it stayed scalar, and took half of a 512x512 frame's averaging: perf
// annotate, bench/README.md).
template <typename Sum>
[[gnu::always_inline]] inline void SumBlockColumnsOf(const Sum* column, int fx, int channels,
                                                     size_t width, Sum* block) {
  for (size_t x = 0; x < width; ++x) {
    for (int c = 0; c < channels; ++c) {
      Sum sum = 0;
      for (int i = 0; i < fx; ++i) sum += column[(x * fx + i) * channels + c];
      block[x * channels + c] = sum;
    }
  }
}

// SumBlockColumnsOf for a block 2, 4 or 8 wide (fx) of `Channels`, with
// both constant: true; false for another width (nothing summed).
template <int Channels, typename Sum>
bool SumCommonBlocks(const Sum* column, int fx, size_t width, Sum* block) {
  switch (fx) {
    case 2:
      SumBlockColumnsOf(column, 2, Channels, width, block);
      return true;
    case 4:
      SumBlockColumnsOf(column, 4, Channels, width, block);
      return true;
    case 8:
      SumBlockColumnsOf(column, 8, Channels, width, block);
      return true;
    default:
      return false;
  }
}

// SumBlockColumnsOf, the common shapes (blocks 2, 4 or 8 wide; grey or RGB)
// with constant fx and channels, others as they come.
template <typename Sum>
void SumBlockColumns(const Sum* column, int fx, int channels, size_t width, Sum* block) {
  if (channels == 1 && SumCommonBlocks<1>(column, fx, width, block)) return;
  if (channels == 3 && SumCommonBlocks<3>(column, fx, width, block)) return;
  SumBlockColumnsOf(column, fx, channels, width, block);
}

// Exact path for whole-number ratios (512 -> 256, 2048 -> 256): integer sums
// over fx x fy blocks, which the compiler vectorises; Sum must hold a block's.
// Compiled for the x86-64 baseline (SSE2) and for AVX2, the program calling
// the one its CPU supports (vector_clones.h): twice as many samples per
// instruction where the CPU has AVX2, and a binary that still runs on any
// x86-64.
template <typename Sum, typename V, typename Read>
PIXELDEX_VECTOR_CLONES void AverageWholeBlocks(int width, int height, int channels, Size target,
                                               const Read& read, V* out) {
  const size_t stride = static_cast<size_t>(width) * channels;
  const size_t target_stride = static_cast<size_t>(target.width) * channels;
  const int fx = width / target.width, fy = height / target.height;
  const RoundedDivider mean(int64_t{fx} * fy);
  std::vector<Sum> column_sums(stride);
  std::vector<Sum> block_sums(target_stride);
  for (int t = 0; t < target.height; ++t) {
    const size_t first_row = static_cast<size_t>(t) * fy * stride;
    for (size_t v = 0; v < stride; ++v) column_sums[v] = static_cast<Sum>(read(first_row + v));
    for (int i = 1; i < fy; ++i) {
      const size_t row = first_row + static_cast<size_t>(i) * stride;
      for (size_t v = 0; v < stride; ++v) column_sums[v] += static_cast<Sum>(read(row + v));
    }
    SumBlockColumns(column_sums.data(), fx, channels, target.width, block_sums.data());
    mean.Divide(block_sums.data(), out + t * target_stride, target_stride);
  }
}

// Any other ratio: partly covered samples weighted by their covered fraction.
// Cloned for AVX2 as AverageWholeBlocks is (no FMA: the same float results).
template <typename V, typename Read>
PIXELDEX_VECTOR_CLONES void AverageWeighted(int width, int height, int channels, Size target,
                                            const Read& read, V* out) {
  const size_t stride = static_cast<size_t>(width) * channels;
  const size_t target_stride = static_cast<size_t>(target.width) * channels;
  // Vertical pass into one row of sums, then horizontal pass: each source row
  // is read at most twice. float holds values of up to 24 bits exactly enough
  // for rounding (8- and 16-bit samples) and vectorises twice as wide.
  using Acc = std::conditional_t<sizeof(V) <= 4, float, double>;
  const AxisWeights x = ComputeAxisWeights(width, target.width);
  const AxisWeights y = ComputeAxisWeights(height, target.height);
  const std::vector<Acc> x_weight(x.weight.begin(), x.weight.end());
  const Acc lo = static_cast<Acc>(std::numeric_limits<V>::lowest());
  const Acc hi = static_cast<Acc>(std::numeric_limits<V>::max());
  std::vector<Acc> column_sums(stride);
  for (int t = 0; t < target.height; ++t) {
    std::fill(column_sums.begin(), column_sums.end(), Acc{0});
    for (int i = 0; i < y.count[t]; ++i) {
      const size_t row = static_cast<size_t>(y.first[t] + i) * stride;
      const Acc weight = static_cast<Acc>(y.weight[y.offset[t] + i]);
      for (size_t v = 0; v < stride; ++v) column_sums[v] += weight * static_cast<Acc>(read(row + v));
    }
    V* line = out + t * target_stride;
    for (int tx = 0; tx < target.width; ++tx) {
      const Acc* src = column_sums.data() + static_cast<size_t>(x.first[tx]) * channels;
      const Acc* w = x_weight.data() + x.offset[tx];
      for (int c = 0; c < channels; ++c) {
        Acc sum = 0;
        for (int i = 0; i < x.count[tx]; ++i) sum += w[i] * src[i * channels + c];
        // +-0.5 and truncation: halves away from zero, without a libm call.
        const Acc rounded = sum + (sum >= 0 ? Acc{0.5} : Acc{-0.5});
        line[tx * channels + c] = static_cast<V>(std::clamp(rounded, lo, hi));
      }
    }
  }
}

// Resamples a `width` x `height` plane of `channels` interleaved samples,
// sample i read as read(i) and within [-value_bound, value_bound], to
// `target` (each side <= the source's, >= 1), into `out` (target.width *
// target.height * channels samples, every one written: it need not be
// initialised). Results are rounded to the nearest V (halves away from
// zero) and stay within the range of the inputs.
template <typename V, typename Read>
void AverageByArea(int width, int height, int channels, Size target, int64_t value_bound,
                   const Read& read, V* out) {
  if (width == target.width && height == target.height) {
    const size_t count = static_cast<size_t>(width) * height * channels;
    for (size_t i = 0; i < count; ++i) out[i] = static_cast<V>(read(i));  // small images
  } else if (width % target.width != 0 || height % target.height != 0) {
    AverageWeighted(width, height, channels, target, read, out);
  } else if (const int64_t area = int64_t{width / target.width} * (height / target.height);
             value_bound <= (INT32_MAX - area) / area) {
    // 32-bit sums vectorise twice as wide as 64-bit ones (a block's sum plus
    // half the area, RoundedDivider's rounding, fits).
    AverageWholeBlocks<int32_t>(width, height, channels, target, read, out);
  } else {
    AverageWholeBlocks<int64_t>(width, height, channels, target, read, out);
  }
}

// The same, into a new vector.
template <typename V, typename Read>
std::vector<V> AverageByArea(int width, int height, int channels, Size target, int64_t value_bound,
                             const Read& read) {
  std::vector<V> out(static_cast<size_t>(target.width) * target.height * channels);
  AverageByArea(width, height, channels, target, value_bound, read, out.data());
  return out;
}

}  // namespace pixeldex::thumbnail
