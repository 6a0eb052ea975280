#include "catalog/thumbnail/png_encoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <barrier>
#include <set>
#include <thread>
#include <vector>

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

// The same image gives the same bytes on every thread: each thread's igzip
// state lies at its own address, and igzip's level-1 body hashed the third
// byte of a stream from a register still holding that address. Images
// whose filtered rows repeat the bytes at offsets 2-5 find other matches
// when that hash lands elsewhere: a flat 4x4 (a 16-slot hash table) and
// the 16x16 ramp on which import and C-STORE stored different PNGs in CI.
TEST(EncodePng, TheSameImageGivesTheSameBytesOnEveryThread) {
  DisplayImage flat(4, 4, 1);
  std::fill(flat.pixels.begin(), flat.pixels.end(), 7);
  DisplayImage ramp(16, 16, 1);
  for (size_t i = 0; i < ramp.pixels.size(); ++i) ramp.pixels[i] = static_cast<uint8_t>(i);
  for (const DisplayImage* image : {&flat, &ramp}) {
    constexpr int kThreads = 64;
    std::vector<std::string> pngs(kThreads);
    // Every thread keeps its state alive until all have encoded, so that
    // no two states share an address.
    std::barrier all_encoded(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Result<std::string> png = EncodePng(*image);
        if (png.ok()) pngs[t] = *png;
        all_encoded.arrive_and_wait();
      });
    }
    for (std::thread& thread : threads) thread.join();
    ASSERT_FALSE(pngs[0].empty()) << image->width;
    EXPECT_EQ(std::set<std::string>(pngs.begin(), pngs.end()).size(), 1u) << image->width;
    EXPECT_EQ(testing::DecodePng(pngs[0]).pixels, image->pixels);
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
