// RenderThumbnail's contract: sizes, status strings, robustness, threads.

#include "catalog/thumbnail/thumbnail_renderer.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "tests/thumbnail/thumbnail_test_support.h"

namespace pixeldex::thumbnail::testing {
namespace {

PixelSpec Mono8(int columns, int rows) {
  PixelSpec spec;
  spec.columns = columns;
  spec.rows = rows;
  return spec;
}

bool IsDecodeError(const ThumbnailRecord& record) {
  return record.status == ThumbnailStatus::kDecodeError && record.png.empty() &&
         !record.reason.empty();
}

TEST(ThumbnailRenderer, CheckerboardDownscalesByAreaAveragingToMidGrey) {
  // 512x256 one-pixel checkerboard of 0/255 -> 256x128: each target pixel
  // averages two black and two white pixels (127.5), never 0 or 255.
  const int w = 512, h = 256;
  std::vector<uint32_t> samples(w * h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) samples[y * w + x] = ((x + y) % 2) ? 255 : 0;
  }
  auto dataset = MakeDataset(Mono8(w, h), samples);
  SetWindow(*dataset, 128, 256);  // identity
  ThumbnailRecord record = RenderViaFile(*dataset);
  ASSERT_EQ(record.status, ThumbnailStatus::kOk);
  EXPECT_EQ(record.width, 256);
  EXPECT_EQ(record.height, 128);
  Png png = DecodePng(record.png);
  ASSERT_EQ(png.width, 256);
  ASSERT_EQ(png.height, 128);
  for (uint8_t v : png.pixels) ASSERT_TRUE(v == 127 || v == 128) << int(v);
}

TEST(ThumbnailRenderer, DownscaleAveragesBlocksAndKeepsEdges) {
  // Left half 0, right half 200, 8x4 -> 4x2 with max_size 4.
  std::vector<uint32_t> samples;
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 8; ++x) samples.push_back(x < 4 ? 0 : 200);
  }
  auto dataset = MakeDataset(Mono8(8, 4), samples);
  SetWindow(*dataset, 128, 256);
  ThumbnailRecord record = RenderViaFile(*dataset, 4);
  ASSERT_EQ(record.status, ThumbnailStatus::kOk);
  Png png = DecodePng(record.png);
  EXPECT_EQ(png.pixels, (std::vector<uint8_t>{0, 0, 200, 200, 0, 0, 200, 200}));
}

TEST(ThumbnailRenderer, NonIntegerRatioWeighsPartlyCoveredPixels) {
  // 3 pixels -> 2: target 0 covers source 0 fully and half of 1.
  auto dataset = MakeDataset(Mono8(3, 1), {0, 90, 210});
  SetWindow(*dataset, 128, 256);
  ThumbnailRecord record = RenderViaFile(*dataset, 2);
  ASSERT_EQ(record.status, ThumbnailStatus::kOk);
  Png png = DecodePng(record.png);
  ASSERT_EQ(png.width, 2);
  ASSERT_EQ(png.height, 1);  // 1 * 2/3 rounds to 1
  EXPECT_EQ(png.At(0, 0), 30);   // (0 * 1 + 90 * 0.5) / 1.5
  EXPECT_EQ(png.At(1, 0), 170);  // (90 * 0.5 + 210 * 1) / 1.5
}

TEST(ThumbnailRenderer, SmallImagesAreNotUpscaled) {
  auto dataset = MakeDataset(Mono8(100, 50), std::vector<uint32_t>(5000, 7));
  ThumbnailRecord record = RenderViaFile(*dataset);
  ASSERT_EQ(record.status, ThumbnailStatus::kOk);
  EXPECT_EQ(record.width, 100);
  EXPECT_EQ(record.height, 50);
}

TEST(ThumbnailRenderer, LargeSixteenBitImageGetsA256PixelThumbnail) {
  PixelSpec spec;
  spec.columns = 4096;
  spec.rows = 4096;
  spec.bits_allocated = spec.bits_stored = 16;
  spec.high_bit = 15;
  std::vector<uint32_t> samples(static_cast<size_t>(4096) * 4096);
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = (i % 4096) * 16;  // horizontal ramp
  auto dataset = MakeDataset(spec, samples);
  ThumbnailRecord record = RenderViaFile(*dataset);
  ASSERT_EQ(record.status, ThumbnailStatus::kOk);
  EXPECT_EQ(record.width, 256);
  EXPECT_EQ(record.height, 256);
  Png png = DecodePng(record.png);
  EXPECT_LT(png.At(0, 128), 5);      // ramp starts black...
  EXPECT_GT(png.At(255, 128), 250);  // ...and ends white
  EXPECT_NEAR(png.At(128, 128), 128, 2);
}

TEST(ThumbnailRenderer, NoPixelData) {
  auto dataset = MakeHeader(Mono8(4, 4));
  ThumbnailRecord record = RenderThumbnail(*dataset, EXS_LittleEndianExplicit, {});
  EXPECT_EQ(record.status, ThumbnailStatus::kNoPixelData);
  EXPECT_TRUE(record.png.empty());
  EXPECT_EQ(RenderViaFile(*dataset).status, ThumbnailStatus::kNoPixelData);

  auto empty = MakeHeader(Mono8(4, 4));
  empty->putAndInsertUint8Array(DCM_PixelData, nullptr, 0);
  EXPECT_EQ(RenderThumbnail(*empty, EXS_LittleEndianExplicit, {}).status, ThumbnailStatus::kNoPixelData);
}

TEST(ThumbnailRenderer, VideoSyntaxesAreUnsupported) {
  auto dataset = MakeHeader(Mono8(4, 4));
  PutEncapsulated(*dataset, EXS_MPEG2MainProfileAtMainLevel, {{0x00, 0x00, 0x01, 0xB3}});
  for (E_TransferSyntax syntax : {EXS_MPEG2MainProfileAtMainLevel, EXS_MPEG4HighProfileLevel4_1,
                                  EXS_HEVCMainProfileLevel5_1}) {
    ThumbnailRecord record = RenderThumbnail(*dataset, syntax, {});
    EXPECT_EQ(record.status, ThumbnailStatus::kUnsupportedSyntax);
    EXPECT_TRUE(record.png.empty());
  }
}

TEST(ThumbnailRenderer, TruncatedNativePixelDataIsADecodeError) {
  PixelSpec spec = Mono8(512, 512);
  spec.bits_allocated = spec.bits_stored = 16;
  spec.high_bit = 15;
  auto dataset = MakeDataset(spec, std::vector<uint32_t>(500, 1));
  ThumbnailRecord record = RenderViaFile(*dataset);
  EXPECT_TRUE(IsDecodeError(record)) << record.reason;
  EXPECT_NE(record.reason.find("truncated"), std::string::npos) << record.reason;
}

TEST(ThumbnailRenderer, MissingMiddleFrameIsADecodeError) {
  PixelSpec spec = Mono8(2, 2);
  spec.frames = 5;  // claims 5 frames, holds 2: frame 2 is missing
  auto dataset = MakeDataset(spec, std::vector<uint32_t>(8, 3));
  EXPECT_TRUE(IsDecodeError(RenderViaFile(*dataset)));
}

TEST(ThumbnailRenderer, InconsistentImagePixelModuleIsADecodeError) {
  PixelSpec spec = Mono8(2, 2);
  spec.bits_stored = 12;  // more than Bits Allocated 8
  auto dataset = MakeDataset(spec, {1, 2, 3, 4});
  ThumbnailRecord record = RenderViaFile(*dataset);
  EXPECT_TRUE(IsDecodeError(record)) << record.reason;

  auto no_rows = MakeDataset(Mono8(2, 2), {1, 2, 3, 4});
  no_rows->findAndDeleteElement(DCM_Rows);
  EXPECT_TRUE(IsDecodeError(RenderThumbnail(*no_rows, EXS_LittleEndianExplicit, {})));
}

TEST(ThumbnailRenderer, HugeClaimedFrameIsRefusedBeforeAllocating) {
  // 65535 x 65535 RGB 16-bit would be 25 GB per frame.
  PixelSpec spec = Mono8(65535, 65535);
  spec.bits_allocated = spec.bits_stored = 16;
  spec.high_bit = 15;
  spec.samples_per_pixel = 3;
  spec.photometric = "RGB";
  auto dataset = MakeHeader(spec);
  PutEncapsulated(*dataset, EXS_JPEGLSLossless, {std::vector<uint8_t>(64, 0xFF)});
  ThumbnailRecord record = RenderThumbnail(*dataset, EXS_JPEGLSLossless, {});
  EXPECT_TRUE(IsDecodeError(record)) << record.reason;
  EXPECT_NE(record.reason.find("too large"), std::string::npos) << record.reason;
}

TEST(ThumbnailRenderer, FramesAbove256MiBAreRefusedBeforeDecoding) {
  // Found by fuzzing: 35344 x 16400 8-bit (553 MiB) from a 500-byte JPEG took
  // 1.1 GB and 1.7 s to decode.
  auto dataset = MakeHeader(Mono8(35344, 16400));
  PutEncapsulated(*dataset, EXS_JPEGProcess1, {std::vector<uint8_t>(64, 0xFF)});
  ThumbnailRecord record = RenderThumbnail(*dataset, EXS_JPEGProcess1, {});
  EXPECT_NE(record.reason.find("too large"), std::string::npos) << record.reason;
  // 8192 x 8192 16-bit (128 MiB) is still rendered... as far as its data goes.
  PixelSpec big = Mono8(8192, 8192);
  big.bits_allocated = big.bits_stored = 16;
  big.high_bit = 15;
  auto allowed = MakeHeader(big);
  PutEncapsulated(*allowed, EXS_JPEGProcess1, {std::vector<uint8_t>(64, 0xFF)});
  EXPECT_EQ(RenderThumbnail(*allowed, EXS_JPEGProcess1, {}).reason.find("too large"),
            std::string::npos);
}

TEST(ThumbnailRenderer, JpegStreamThatHangsDcmtkIsADecodeError) {
  // Found by fuzzing: DCMTK 3.6.7's bit-depth scan never passes FF01 (TEM).
  auto dataset = MakeHeader(Mono8(16, 16));
  PutEncapsulated(*dataset, EXS_JPEGProcess1,
                  {std::vector<uint8_t>{0xFF, 0xD8, 0xFF, 0x01, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00}});
  ThumbnailRecord record = RenderThumbnail(*dataset, EXS_JPEGProcess1, {});
  EXPECT_NE(record.reason.find("TEM marker"), std::string::npos) << record.reason;
}

TEST(ThumbnailRenderer, JpegHeaderClaimingALargerImageIsRefusedBeforeDcmtkDecodes) {
  // Found auditing the JPEG path: DCMTK 3.6.7's IJG decoder allocates and
  // zeroes the whole image a progressive frame header claims before DCMTK
  // compares it with the data set (20000x20000 in a 64x64 data set: 790 MB,
  // minutes; 65500x65500: 8.6 GB). A real progressive stream by dcmcjpeg,
  // its SOF2 header patched.
  std::vector<uint32_t> samples(64 * 64);
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = (i * 3) % 256;
  auto dataset = MakeDataset(Mono8(64, 64), samples);
  TempDir dir;
  SaveFile(*dataset, dir.Path("grey.dcm"), EXS_LittleEndianExplicit);
  ASSERT_EQ(RunCommand("dcmcjpeg +ep " + dir.Path("grey.dcm") + " " + dir.Path("prog.dcm")), 0);
  ASSERT_EQ(RenderFile(dir.Path("prog.dcm")).status, ThumbnailStatus::kOk);  // as made

  std::ifstream in(dir.Path("prog.dcm"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t sof2 = bytes.find("\xFF\xC2");
  ASSERT_NE(sof2, std::string::npos);
  bytes.replace(sof2 + 5, 4, "\x4E\x20\x4E\x20");  // Y = X = 20000 (T.81 B.2.2)
  std::ofstream(dir.Path("claims_20000.dcm"), std::ios::binary) << bytes;

  ThumbnailRecord record = RenderFile(dir.Path("claims_20000.dcm"));
  EXPECT_TRUE(IsDecodeError(record)) << record.reason;
  EXPECT_NE(record.reason.find("JPEG frame header declares 20000x20000"), std::string::npos)
      << record.reason;
}

TEST(ThumbnailRenderer, GarbageInEveryCompressedSyntaxIsADecodeError) {
  const std::vector<uint8_t> garbage(300, 0xAB);
  for (E_TransferSyntax syntax : {EXS_JPEGProcess1, EXS_JPEGProcess14SV1, EXS_JPEGLSLossless,
                                  EXS_RLELossless, EXS_JPEG2000LosslessOnly, EXS_JPEG2000}) {
    auto dataset = MakeHeader(Mono8(16, 16));
    PutEncapsulated(*dataset, syntax, {garbage});
    ThumbnailRecord record = RenderThumbnail(*dataset, syntax, {});
    EXPECT_TRUE(IsDecodeError(record)) << DcmXfer(syntax).getXferName() << ": " << record.reason;
  }
}

TEST(ThumbnailRenderer, ConcurrentCallsGiveTheSameResultsAsSequentialOnes) {
  constexpr int kImages = 8;
  std::vector<std::unique_ptr<DcmDataset>> datasets;
  std::vector<ThumbnailRecord> sequential;
  for (int i = 0; i < kImages; ++i) {
    PixelSpec spec = Mono8(300 + i, 200);
    std::vector<uint32_t> samples(spec.columns * spec.rows);
    for (size_t p = 0; p < samples.size(); ++p) samples[p] = (p * (i + 1)) % 256;
    datasets.push_back(MakeDataset(spec, samples));
    sequential.push_back(RenderThumbnail(*datasets.back(), EXS_LittleEndianExplicit, {}));
    ASSERT_EQ(sequential.back().status, ThumbnailStatus::kOk);
  }
  std::vector<ThumbnailRecord> parallel(kImages);
  std::vector<std::thread> threads;
  for (int i = 0; i < kImages; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 5; ++round) {
        parallel[i] = RenderThumbnail(*datasets[i], EXS_LittleEndianExplicit, {});
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kImages; ++i) EXPECT_EQ(parallel[i].png, sequential[i].png) << i;
}

}  // namespace
}  // namespace pixeldex::thumbnail::testing
