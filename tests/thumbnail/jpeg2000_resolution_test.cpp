// JPEG 2000 frames are decoded only down to the resolution level the
// thumbnail needs (ISO/IEC 15444-1 Annex B): the decoder's contract, and the
// thumbnail it gives against the one of the same image stored natively.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "catalog/thumbnail/frame_layout.h"
#include "catalog/thumbnail/jpeg2000_decoder.h"
#include "tests/thumbnail/thumbnail_test_support.h"

namespace pixeldex::thumbnail::testing {
namespace {

constexpr int kJpeg2000Columns = 600;
constexpr int kJpeg2000Rows = 400;

// 12-bit unsigned samples: a smooth gradient with rings, so that every
// resolution level carries detail.
std::vector<int32_t> Rings() {
  std::vector<int32_t> samples;
  for (int y = 0; y < kJpeg2000Rows; ++y) {
    for (int x = 0; x < kJpeg2000Columns; ++x) {
      const double r = std::hypot(x - kJpeg2000Columns / 2.0, y - kJpeg2000Rows / 2.0);
      samples.push_back(static_cast<int32_t>(2048 + 1000 * std::sin(r / 12.0) + x));
    }
  }
  return samples;
}

PixelSpec Grey12() {
  PixelSpec spec;
  spec.columns = kJpeg2000Columns;
  spec.rows = kJpeg2000Rows;
  spec.bits_allocated = 16;
  spec.bits_stored = 12;
  spec.high_bit = 11;
  return spec;
}

FrameLayout Layout() {
  auto dataset = MakeHeader(Grey12());
  Result<FrameLayout> layout = ReadFrameLayout(*dataset);
  EXPECT_TRUE(layout.ok()) << layout.status().ToString();
  return *layout;
}

TEST(Jpeg2000Resolution, DecodesTheSmallestLevelThatStillCoversTheRequest) {
  const std::vector<uint8_t> codestream =
      EncodeJpeg2000(Rings(), kJpeg2000Columns, kJpeg2000Rows, 1, 12, false, true, false);
  struct Case {
    Size at_least;
    int columns, rows;
  };
  for (const Case& c : {Case{{0, 0}, 600, 400}, Case{{600, 400}, 600, 400},
                        Case{{300, 200}, 300, 200}, Case{{301, 200}, 600, 400},
                        Case{{256, 171}, 300, 200}, Case{{128, 85}, 150, 100},
                        Case{{75, 50}, 75, 50}, Case{{38, 25}, 38, 25}}) {
    Result<RawFrame> frame = DecodeJpeg2000Frame(codestream, Layout(), c.at_least);
    ASSERT_TRUE(frame.ok()) << frame.status().ToString();
    EXPECT_EQ(frame->layout.columns, c.columns) << c.at_least.width;
    EXPECT_EQ(frame->layout.rows, c.rows) << c.at_least.height;
    EXPECT_EQ(frame->bytes.size(), static_cast<size_t>(c.columns) * c.rows * 2);
  }
}

TEST(Jpeg2000Resolution, ACodestreamOfAnotherSizeIsRefusedWhateverIsAsked) {
  // The dataset says 600x400; the codestream is 1200x800 (OpenJPEG would
  // allocate for the latter).
  std::vector<int32_t> big;
  for (int i = 0; i < 4; ++i) {
    const std::vector<int32_t> part = Rings();
    big.insert(big.end(), part.begin(), part.end());
  }
  const std::vector<uint8_t> codestream =
      EncodeJpeg2000(big, 2 * kJpeg2000Columns, 2 * kJpeg2000Rows, 1, 12, false, true, false);
  for (Size at_least : {Size{0, 0}, Size{256, 171}}) {
    Result<RawFrame> frame = DecodeJpeg2000Frame(codestream, Layout(), at_least);
    ASSERT_FALSE(frame.ok());
    EXPECT_EQ(frame.status().code(), Status::Code::kCorruption);
    EXPECT_NE(frame.status().message().find("dataset says 600x400"), std::string::npos)
        << frame.status().message();
  }
}

TEST(Jpeg2000Resolution, ThumbnailMatchesTheNativeImagesClosely) {
  const std::vector<int32_t> samples = Rings();
  std::vector<uint32_t> stored(samples.begin(), samples.end());
  auto native = MakeDataset(Grey12(), stored);
  SetWindow(*native, 2048, 3000);
  TempDir dir;
  SaveFile(*native, dir.Path("native.dcm"), EXS_LittleEndianExplicit);
  DcmDataset j2k(*native);
  PutEncapsulated(
      j2k, EXS_JPEG2000LosslessOnly,
      {EncodeJpeg2000(samples, kJpeg2000Columns, kJpeg2000Rows, 1, 12, false, true, false)});
  SaveFile(j2k, dir.Path("j2k.dcm"), EXS_JPEG2000LosslessOnly);

  // Mean and largest difference allowed per thumbnail size (measured: 2.0 / 6
  // and 6.0 / 17). A level's sample grid sits half a pixel of the level above
  // off the box mean's, and the wavelet's low-pass is a wider kernel: on
  // these rings (up to 7 grey levels per source pixel) a few grey levels.
  struct Case {
    int max_size;
    double mean;
    int max;
  };
  for (const Case& c : {Case{256, 3.0, 12}, Case{128, 8.0, 30}}) {
    const int max_size = c.max_size;
    ThumbnailRecord expected = RenderFile(dir.Path("native.dcm"), max_size);
    ThumbnailRecord actual = RenderFile(dir.Path("j2k.dcm"), max_size);
    ASSERT_EQ(expected.status, ThumbnailStatus::kOk);
    ASSERT_EQ(actual.status, ThumbnailStatus::kOk);
    EXPECT_EQ(actual.width, expected.width);
    EXPECT_EQ(actual.height, expected.height);
    ExpectWithin(DecodePng(actual.png), DecodePng(expected.png), c.mean, c.max);
  }
}

}  // namespace
}  // namespace pixeldex::thumbnail::testing
