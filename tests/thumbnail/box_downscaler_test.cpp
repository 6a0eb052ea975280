#include "catalog/thumbnail/box_downscaler.h"

#include <gtest/gtest.h>

namespace pixeldex::thumbnail {
namespace {

TEST(FitWithin, FitsABoxByItsTighterSide) {
  EXPECT_EQ(FitWithinBox(512, 256, 100, 100).width, 100);
  EXPECT_EQ(FitWithinBox(512, 256, 100, 100).height, 50);
  EXPECT_EQ(FitWithinBox(512, 256, 1000, 64).width, 128);
  EXPECT_EQ(FitWithinBox(16, 16, 1000, 500).width, 16);  // never upscaled
}

TEST(FitWithin, KeepsAspectRatioAndNeverUpscales) {
  EXPECT_EQ(FitWithin(512, 512, 256).width, 256);
  EXPECT_EQ(FitWithin(512, 256, 256).height, 128);
  EXPECT_EQ(FitWithin(256, 512, 256).width, 128);
  EXPECT_EQ(FitWithin(3000, 2000, 256).height, 171);  // 2000 * 256 / 3000 = 170.7
  EXPECT_EQ(FitWithin(100, 50, 256).width, 100);
  EXPECT_EQ(FitWithin(100, 50, 256).height, 50);
  EXPECT_EQ(FitWithin(10000, 1, 256).height, 1);  // never 0
}

TEST(DownscaleByAreaAveraging, ConstantImageStaysConstant) {
  DisplayImage source(333, 777, 1);
  std::fill(source.pixels.begin(), source.pixels.end(), 201);
  const DisplayImage out = DownscaleByAreaAveraging(source, FitWithin(333, 777, 256));
  EXPECT_EQ(out.width, 110);
  EXPECT_EQ(out.height, 256);
  for (uint8_t v : out.pixels) ASSERT_EQ(v, 201);
}

TEST(DownscaleByAreaAveraging, ChannelsAreAveragedIndependently) {
  // 2x2 RGB -> 1x1: the mean of each channel.
  DisplayImage source(2, 2, 3);
  source.pixels = {255, 0, 10, 0, 0, 20, 255, 100, 30, 0, 100, 40};
  const DisplayImage out = DownscaleByAreaAveraging(source, {1, 1});
  ASSERT_EQ(out.pixels.size(), 3u);
  EXPECT_EQ(out.pixels[0], 128);  // 127.5 rounds up
  EXPECT_EQ(out.pixels[1], 50);
  EXPECT_EQ(out.pixels[2], 25);
}

TEST(DownscaleByAreaAveraging, SinglePixelDetailIsNotLostOrKeptWhole) {
  // A white pixel in a black 4x4 block becomes 1/16 grey, unlike nearest
  // neighbour which would give 0 or 255.
  DisplayImage source(4, 4, 1);
  source.pixels[5] = 255;
  const DisplayImage out = DownscaleByAreaAveraging(source, {1, 1});
  EXPECT_EQ(out.pixels[0], 16);  // 255 / 16 = 15.9
}

}  // namespace
}  // namespace pixeldex::thumbnail
