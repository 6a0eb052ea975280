#include "catalog/thumbnail/png_encoder.h"

#include <gtest/gtest.h>

#include "tests/thumbnail/thumbnail_test_support.h"

namespace pixeldex::thumbnail {
namespace {

TEST(EncodePng, GreyAndRgbRoundTripExactly) {
  for (int channels : {1, 3}) {
    DisplayImage image(37, 11, channels);  // odd sizes
    for (size_t i = 0; i < image.pixels.size(); ++i) image.pixels[i] = (i * 7919) % 256;
    Result<std::string> png = EncodePng(image);
    ASSERT_TRUE(png.ok()) << png.status().ToString();
    EXPECT_EQ(png->substr(1, 3), "PNG");
    testing::Png decoded = testing::DecodePng(*png);
    EXPECT_EQ(decoded.width, 37);
    EXPECT_EQ(decoded.height, 11);
    EXPECT_EQ(decoded.channels, channels);
    EXPECT_EQ(decoded.pixels, image.pixels);
  }
}

TEST(EncodePng, RejectsEmptyImagesAndOtherChannelCounts) {
  EXPECT_EQ(EncodePng(DisplayImage()).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(EncodePng(DisplayImage(2, 2, 2)).status().code(), Status::Code::kInvalidArgument);
}

TEST(EncodePng, LibpngErrorsBecomeAStatus) {
  // Wider than libpng's user limit (1,000,000 columns by default).
  DisplayImage image(1100000, 1, 1);
  Result<std::string> png = EncodePng(image);
  ASSERT_FALSE(png.ok());
  EXPECT_EQ(png.status().code(), Status::Code::kInternal);
  EXPECT_NE(png.status().message().find("libpng"), std::string::npos);
}

}  // namespace
}  // namespace pixeldex::thumbnail
