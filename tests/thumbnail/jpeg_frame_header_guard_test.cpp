// The guard against DCMTK 3.6.7 allocating (and zeroing) the image a JPEG
// frame header (ITU-T T.81 B.2.2) claims before comparing it with the data
// set's frame.

#include "catalog/thumbnail/jpeg_frame_header_guard.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pixeldex::thumbnail {
namespace {

// SOI, then a frame header (marker FF `sof`) with one entry per component.
std::vector<uint8_t> Stream(uint8_t sof, int precision, int lines, int columns, int components) {
  std::vector<uint8_t> s = {0xFF, 0xD8, 0xFF, sof};
  const int length = 8 + 3 * components;
  for (int v : {length >> 8, length & 0xFF, precision, lines >> 8, lines & 0xFF, columns >> 8,
                columns & 0xFF, components}) {
    s.push_back(static_cast<uint8_t>(v));
  }
  for (int c = 0; c < components; ++c) s.insert(s.end(), {uint8_t(c + 1), 0x11, 0x00});
  return s;
}

FrameLayout Declared(int rows, int columns, int samples, int bits_allocated) {
  FrameLayout layout;
  layout.rows = rows;
  layout.columns = columns;
  layout.samples_per_pixel = samples;
  layout.bits_allocated = layout.bits_stored = bits_allocated;
  layout.high_bit = bits_allocated - 1;
  return layout;
}

std::optional<std::string> Problem(const std::vector<uint8_t>& stream, const FrameLayout& declared) {
  Result<unsigned> checked = CheckJpegFrameHeader(stream.data(), stream.size(), declared);
  if (checked.ok()) return std::nullopt;
  EXPECT_EQ(checked.status().code(), Status::Code::kCorruption);
  return checked.status().message();
}

TEST(JpegFrameHeaderGuard, AFittingHeaderGivesItsSamplePrecision) {
  const std::vector<uint8_t> eight = Stream(0xC0, 8, 64, 64, 1);
  const std::vector<uint8_t> twelve = Stream(0xC1, 12, 64, 64, 1);
  const std::vector<uint8_t> no_header = {0xFF, 0xD8, 0xFF, 0xD9};  // SOI, EOI
  Result<unsigned> p8 = CheckJpegFrameHeader(eight.data(), eight.size(), Declared(64, 64, 1, 16));
  Result<unsigned> p12 =
      CheckJpegFrameHeader(twelve.data(), twelve.size(), Declared(64, 64, 1, 16));
  Result<unsigned> none =
      CheckJpegFrameHeader(no_header.data(), no_header.size(), Declared(64, 64, 1, 16));
  ASSERT_TRUE(p8.ok() && p12.ok() && none.ok());
  EXPECT_EQ(*p8, 8u);
  EXPECT_EQ(*p12, 12u);
  EXPECT_EQ(*none, 0u);  // DCMTK would reach no frame header: nothing to say
}

TEST(JpegFrameHeaderGuard, AcceptsHeadersThatFitTheDataSetsFrame) {
  EXPECT_FALSE(Problem(Stream(0xC0, 8, 64, 64, 1), Declared(64, 64, 1, 8)));   // baseline
  EXPECT_FALSE(Problem(Stream(0xC2, 8, 64, 64, 3), Declared(64, 64, 3, 8)));   // progressive RGB
  EXPECT_FALSE(Problem(Stream(0xC1, 12, 64, 64, 1), Declared(64, 64, 1, 16)));  // extended
  EXPECT_FALSE(Problem(Stream(0xC3, 16, 64, 64, 1), Declared(64, 64, 1, 16)));  // lossless
  // A smaller image decodes into the larger frame (DCMTK accepts it).
  EXPECT_FALSE(Problem(Stream(0xC0, 8, 32, 64, 1), Declared(64, 64, 1, 8)));
}

TEST(JpegFrameHeaderGuard, RefusesTheProgressiveHeaderClaimingAHugeImage) {
  // The regression input's header: 65500x65500 in a 64x64 data set.
  const auto problem = Problem(Stream(0xC2, 8, 65500, 65500, 1), Declared(64, 64, 1, 8));
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("65500x65500"), std::string::npos) << *problem;
  EXPECT_NE(problem->find("64x64"), std::string::npos) << *problem;
}

TEST(JpegFrameHeaderGuard, RefusesEveryOtherHeaderLargerThanTheFrame) {
  EXPECT_TRUE(Problem(Stream(0xC0, 8, 64, 65, 1), Declared(64, 64, 1, 8)));  // one column more
  EXPECT_TRUE(Problem(Stream(0xC0, 8, 64, 64, 3), Declared(64, 64, 1, 8)));  // colour in grey
  EXPECT_TRUE(Problem(Stream(0xC3, 16, 64, 64, 1), Declared(64, 64, 1, 8)));  // 2 bytes a sample
}

TEST(JpegFrameHeaderGuard, RefusesImpossibleHeaderFields) {
  EXPECT_TRUE(Problem(Stream(0xC3, 1, 64, 64, 1), Declared(64, 64, 1, 8)));   // P below 2
  EXPECT_TRUE(Problem(Stream(0xC3, 17, 64, 64, 1), Declared(64, 64, 1, 16)));  // P above 16
  EXPECT_TRUE(Problem(Stream(0xC0, 8, 0, 64, 1), Declared(64, 64, 1, 8)));     // DNL lines
  EXPECT_TRUE(Problem(Stream(0xC0, 8, 64, 64, 0), Declared(64, 64, 1, 8)));    // no components
  std::vector<uint8_t> truncated = Stream(0xC0, 8, 64, 64, 1);
  truncated.resize(10);
  EXPECT_TRUE(Problem(truncated, Declared(64, 64, 1, 8)));
}

TEST(JpegFrameHeaderGuard, LeavesStreamsWithoutAFrameHeaderToDcmtk) {
  // DCMTK refuses these itself, before its decoder allocates anything.
  EXPECT_FALSE(Problem({0x12, 0x34, 0x56, 0x78, 0x9A}, Declared(64, 64, 1, 8)));
  EXPECT_FALSE(Problem({}, Declared(64, 64, 1, 8)));
}

}  // namespace
}  // namespace pixeldex::thumbnail
