// FillMonotoneTable: the same table as evaluating every entry, for rising,
// falling, flat and window-shaped functions, with fewer evaluations.

#include "catalog/thumbnail/monotone_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace pixeldex::thumbnail {
namespace {

// The table FillMonotoneTable gives, the one of every entry evaluated, and
// how many evaluations the first took.
template <typename F>
void ExpectSameTable(int64_t lo, size_t size, const F& f, size_t max_evaluations) {
  size_t evaluations = 0;
  std::vector<uint8_t> filled(size, 0xAB);
  FillMonotoneTable(lo, size, [&](int64_t s) { ++evaluations; return f(s); }, filled.data());
  std::vector<uint8_t> every(size);
  for (size_t i = 0; i < size; ++i) every[i] = f(lo + static_cast<int64_t>(i));
  EXPECT_EQ(filled, every);
  EXPECT_LE(evaluations, max_evaluations);
}

// A linear VOI window (PS3.3 C.11.2.1.2.1) after rescale, as the greyscale
// renderer computes it, rising or (inverted) falling.
uint8_t LinearWindowGrey(int64_t stored, double slope, double intercept, double center,
                         double width, bool invert) {
  const double x = static_cast<double>(stored) * slope + intercept;
  const double c = center - 0.5, half = (width - 1) / 2;
  double v = x <= c - half ? 0.0 : x > c + half ? 1.0 : (x - c) / (width - 1) + 0.5;
  v = std::clamp(v, 0.0, 1.0);
  if (invert) v = 1.0 - v;
  return static_cast<uint8_t>(v * 255.0 + 0.5);
}

TEST(FillMonotoneTable, WindowsOfEveryShapeGiveTheTableOfEveryEntry) {
  for (bool invert : {false, true}) {
    for (double slope : {1.0, 0.5, -1.0, 2.5}) {
      for (double width : {1.0, 2.0, 400.0, 1500.0, 70000.0}) {
        ExpectSameTable(-2048, 6000, [&](int64_t s) {
          return LinearWindowGrey(s, slope, -1024.0, 40.0, width, invert);
        }, 6000);
      }
    }
  }
  // A CT window over a 12-bit range: a few hundred evaluations, not 4,096.
  ExpectSameTable(
      0, 4096, [](int64_t s) { return LinearWindowGrey(s, 1.0, -1024.0, 40.0, 400.0, false); },
      1200);
}

TEST(FillMonotoneTable, FlatStepAndTinyTables) {
  ExpectSameTable(5, 1000, [](int64_t) { return uint8_t{7}; }, 2);
  ExpectSameTable(-3, 100, [](int64_t s) { return static_cast<uint8_t>(s < 40 ? 0 : 255); }, 20);
  ExpectSameTable(9, 1, [](int64_t s) { return static_cast<uint8_t>(s); }, 2);
  ExpectSameTable(9, 2, [](int64_t s) { return static_cast<uint8_t>(s); }, 2);
  ExpectSameTable(0, 256, [](int64_t s) { return static_cast<uint8_t>(255 - s); }, 512);
  std::vector<uint8_t> none;
  FillMonotoneTable(0, 0, [](int64_t) { return uint8_t{1}; }, none.data());
}

}  // namespace
}  // namespace pixeldex::thumbnail
