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

TEST(AverageByArea, EqualSizesCopy) {
  const std::vector<int32_t> values = {5, -7, 9, 11};
  EXPECT_EQ(Average<int32_t>(values, 2, 2, {2, 2}, 11), values);
}

}  // namespace
}  // namespace pixeldex::thumbnail
