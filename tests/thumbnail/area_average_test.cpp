// AverageByArea, the resampling kernel of every thumbnail: exact block means
// with halves rounded away from zero, for signed values and for value ranges
// that need 64-bit sums, and weighted means for other ratios.

#include "catalog/thumbnail/area_average.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace pixeldex::thumbnail {
namespace {

template <typename V>
std::vector<V> Average(const std::vector<V>& values, int width, int height, Size target,
                       int64_t bound) {
  return AverageByArea<V>(width, height, 1, target, bound,
                          [&](size_t i) { return values[i]; });
}

TEST(AverageByArea, BlockMeansRoundHalvesAwayFromZero) {
  // 4x1 -> 2x1 (blocks of two): 1.5 -> 2, -1.5 -> -2, -2.5 -> -3, 0.5 -> 1.
  EXPECT_EQ(Average<int32_t>({1, 2, -1, -2}, 4, 1, {2, 1}, 2), (std::vector<int32_t>{2, -2}));
  EXPECT_EQ(Average<int32_t>({-2, -3, 0, 1}, 4, 1, {2, 1}, 3), (std::vector<int32_t>{-3, 1}));
  // Blocks of three (no shift): 4/3 -> 1, -5/3 -> -2.
  EXPECT_EQ(Average<int32_t>({1, 1, 2, -1, -2, -2}, 6, 1, {2, 1}, 2),
            (std::vector<int32_t>{1, -2}));
}

TEST(AverageByArea, LargeValuesTakeSixtyFourBitSums) {
  // 4x4 -> 1x1 of values near the 32-bit limit: 16 of them overflow int32.
  const int64_t big = (int64_t{1} << 32) - 5;
  const std::vector<int64_t> values(16, big);
  EXPECT_EQ(Average<int64_t>(values, 4, 4, {1, 1}, big), (std::vector<int64_t>{big}));
  const std::vector<int32_t> near_limit(16, INT32_MAX - 1);
  EXPECT_EQ(Average<int32_t>(near_limit, 4, 4, {1, 1}, INT32_MAX),
            (std::vector<int32_t>{INT32_MAX - 1}));
}

TEST(AverageByArea, OtherRatiosWeighPartlyCoveredSamples) {
  // 3 -> 2: (0 * 1 + 90 * 0.5) / 1.5 = 30 and (90 * 0.5 + 210) / 1.5 = 170.
  EXPECT_EQ(Average<int32_t>({0, 90, 210}, 3, 1, {2, 1}, 210), (std::vector<int32_t>{30, 170}));
  // Signed: the mirror image.
  EXPECT_EQ(Average<int32_t>({0, -90, -210}, 3, 1, {2, 1}, 210),
            (std::vector<int32_t>{-30, -170}));
}

TEST(AverageByArea, DividingManySumsAtOnceMatchesOneByOne) {
  // RoundedDivider::Divide (branch-free, for the block means) against
  // operator() (the definition), over signs, halves and the 32-bit limit.
  std::vector<int32_t> sums32;
  std::vector<int64_t> sums64;
  uint64_t state = 12345;
  for (int i = 0; i < 4000; ++i) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    sums32.push_back(static_cast<int32_t>(state >> 33) - (1 << 30));
    sums64.push_back(static_cast<int64_t>(state >> 8) - (int64_t{1} << 55));
  }
  for (int32_t edge :
       {0, 1, -1, 2, -2, 3, -3, 7, -7, 8, -8, 9, -9, INT32_MAX - 64, -(INT32_MAX - 64)}) {
    sums32.push_back(edge);
    sums64.push_back(edge);
  }
  for (int64_t divisor : {1, 2, 3, 4, 16, 64}) {
    const RoundedDivider mean(divisor);
    std::vector<int32_t> out32(sums32.size());
    mean.Divide(sums32.data(), out32.data(), sums32.size());
    std::vector<int64_t> out64(sums64.size());
    mean.Divide(sums64.data(), out64.data(), sums64.size());
    for (size_t i = 0; i < sums32.size(); ++i) {
      ASSERT_EQ(out32[i], mean(sums32[i])) << sums32[i] << " / " << divisor;
      ASSERT_EQ(out64[i], mean(sums64[i])) << sums64[i] << " / " << divisor;
    }
  }
}

TEST(AverageByArea, EveryBlockShapeMatchesTheBlockMean) {
  // The block sums take a constant-width path for blocks 2, 4 and 8 wide of
  // 1 or 3 channels, a loop for others: all must give the mean of each
  // block, rounded by RoundedDivider, per channel.
  uint64_t state = 99;
  for (const int channels : {1, 3}) {
    for (const int fx : {1, 2, 3, 4, 5, 8}) {
      for (const int fy : {1, 2, 3}) {
        const Size target{5, 3};
        const int width = target.width * fx, height = target.height * fy;
        std::vector<int32_t> values(static_cast<size_t>(width) * height * channels);
        for (int32_t& v : values) {
          state = state * 6364136223846793005u + 1442695040888963407u;
          v = static_cast<int32_t>(state >> 49) - (1 << 14);  // [-16384, 16383]
        }
        const std::vector<int32_t> got = AverageByArea<int32_t>(
            width, height, channels, target, 1 << 14, [&](size_t i) { return values[i]; });
        const RoundedDivider mean(int64_t{fx} * fy);
        for (int ty = 0; ty < target.height; ++ty) {
          for (int tx = 0; tx < target.width; ++tx) {
            for (int c = 0; c < channels; ++c) {
              int64_t sum = 0;
              for (int y = ty * fy; y < (ty + 1) * fy; ++y) {
                for (int x = tx * fx; x < (tx + 1) * fx; ++x) {
                  sum += values[(static_cast<size_t>(y) * width + x) * channels + c];
                }
              }
              ASSERT_EQ(got[(static_cast<size_t>(ty) * target.width + tx) * channels + c],
                        mean(sum))
                  << "block " << fx << "x" << fy << ", " << channels << " channels, at " << tx
                  << "," << ty << "," << c;
            }
          }
        }
      }
    }
  }
}

TEST(AverageByArea, EqualSizesCopy) {
  const std::vector<int32_t> values = {5, -7, 9, 11};
  EXPECT_EQ(Average<int32_t>(values, 2, 2, {2, 2}, 11), values);
}

}  // namespace
}  // namespace pixeldex::thumbnail
