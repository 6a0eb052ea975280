// Greyscale rules (PS3.3 C.11): expected bytes are worked out by hand from the
// standard's formulas in the comments, for images small enough not to scale.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvrus.h>
#include <gtest/gtest.h>

#include <vector>

#include "tests/thumbnail/thumbnail_test_support.h"

namespace pixeldex::thumbnail::testing {
namespace {

std::vector<int> Row(const Png& png) {
  std::vector<int> values;
  for (int x = 0; x < png.width; ++x) values.push_back(png.At(x, 0));
  return values;
}

Png RenderGreyOk(DcmDataset& dataset) {
  ThumbnailRecord record = RenderViaFile(dataset);
  EXPECT_EQ(record.status, ThumbnailStatus::kOk);
  Png png = DecodePng(record.png);
  EXPECT_EQ(png.width, record.width);
  EXPECT_EQ(png.height, record.height);
  EXPECT_EQ(png.channels, 1);
  return png;
}

PixelSpec Mono(int columns, int bits_allocated, int bits_stored, int high_bit, bool is_signed) {
  PixelSpec spec;
  spec.columns = columns;
  spec.bits_allocated = bits_allocated;
  spec.bits_stored = bits_stored;
  spec.high_bit = high_bit;
  spec.is_signed = is_signed;
  return spec;
}

TEST(GreyscaleRendering, Monochrome2EightBitWithWindow) {
  // C.11.2.1.2.1 LINEAR, c=100 w=101: x <= 49.5 -> 0; x > 149.5 -> 255;
  // else ((x - 99.5) / 100 + 0.5) * 255: 50 -> 1.275, 100 -> 128.8, 149 -> 253.7.
  auto dataset = MakeDataset(Mono(6, 8, 8, 7, false), {0, 49, 50, 100, 149, 150});
  SetWindow(*dataset, 100, 101);
  EXPECT_EQ(Row(RenderGreyOk(*dataset)), (std::vector<int>{0, 0, 1, 129, 254, 255}));
}

TEST(GreyscaleRendering, Monochrome2SixteenBitUnsignedWithWindow) {
  // c=1000 w=2001: ((x - 999.5) / 2000 + 0.5) * 255: 500 -> 63.8, 1000 -> 127.6;
  // 2000 > 1999.5 -> 255; 60000 far above.
  auto dataset = MakeDataset(Mono(5, 16, 16, 15, false), {0, 500, 1000, 2000, 60000});
  SetWindow(*dataset, 1000, 2001);
  EXPECT_EQ(Row(RenderGreyOk(*dataset)), (std::vector<int>{0, 64, 128, 255, 255}));
}

TEST(GreyscaleRendering, SignedSixteenBitWithRescaleInterceptLikeCt) {
  // HU = stored - 1024 (C.11.1), soft-tissue window c=40 w=400:
  // ((HU - 39.5) / 399 + 0.5) * 255. -2000 (padding) -> HU -3024 -> 0;
  // 1024 -> HU 0 -> 102.3; 1064 -> HU 40 -> 127.8; 1224 -> HU 200 -> 230.1;
  // 1264 -> HU 240 > 239 -> 255.
  auto dataset = MakeDataset(Mono(6, 16, 16, 15, true),
                             {static_cast<uint16_t>(-2000), 0, 1024, 1064, 1224, 1264});
  SetRescale(*dataset, 1, -1024);
  SetWindow(*dataset, 40, 400);
  EXPECT_EQ(Row(RenderGreyOk(*dataset)), (std::vector<int>{0, 0, 102, 128, 230, 255}));
}

TEST(GreyscaleRendering, TwelveBitsStoredIgnoresBitsAboveHighBit) {
  // Bits Stored 12, High Bit 11: bits 12-15 (here all set) are not part of
  // the value. c=2048 w=4096: ((x - 2047.5) / 4095 + 0.5) * 255:
  // 1024 -> 63.8, 2048 -> 127.53, 4095 -> 255.
  auto dataset = MakeDataset(Mono(4, 16, 12, 11, false),
                             {0xF000 | 0, 0xF000 | 1024, 0xF000 | 2048, 0xF000 | 4095});
  SetWindow(*dataset, 2048, 4096);
  EXPECT_EQ(Row(RenderGreyOk(*dataset)), (std::vector<int>{0, 64, 128, 255}));
}

TEST(GreyscaleRendering, SignedTwelveBitsAreSignExtendedFromBit11) {
  // 0x800 is -2048, 0xFFF is -1, 0x7FF is 2047. c=0 w=4096:
  // ((x + 0.5) / 4095 + 0.5) * 255: -2048 -> 0, -1 -> 127.47, 2047 -> 255.
  auto dataset = MakeDataset(Mono(3, 16, 12, 11, true), {0x0800, 0x0FFF, 0x07FF});
  SetWindow(*dataset, 0, 4096);
  EXPECT_EQ(Row(RenderGreyOk(*dataset)), (std::vector<int>{0, 127, 255}));
}

TEST(GreyscaleRendering, HighBitAboveBitsStoredShiftsTheValue) {
  // Bits Stored 12, High Bit 15: the value sits in bits 4-15.
  auto dataset = MakeDataset(Mono(3, 16, 12, 15, false), {0x000F, 2048 << 4, 4095 << 4});
  SetWindow(*dataset, 2048, 4096);
  EXPECT_EQ(Row(RenderGreyOk(*dataset)), (std::vector<int>{0, 128, 255}));
}

TEST(GreyscaleRendering, Monochrome1IsInverted) {
  // c=128 w=256 maps x to itself; MONOCHROME1 shows the minimum as white.
  PixelSpec spec = Mono(4, 8, 8, 7, false);
  spec.photometric = "MONOCHROME1";
  auto dataset = MakeDataset(spec, {0, 50, 200, 255});
  SetWindow(*dataset, 128, 256);
  EXPECT_EQ(Row(RenderGreyOk(*dataset)), (std::vector<int>{255, 205, 55, 0}));
}

TEST(GreyscaleRendering, WithoutWindowTheFrameMinimumAndMaximumSpanTheRange) {
  // Rescaled values 2x-10: 190, 390, 590, 2190 -> (v - 190) / 2000 * 255.
  auto dataset = MakeDataset(Mono(4, 16, 16, 15, false), {100, 200, 300, 1100});
  SetRescale(*dataset, 2, -10);
  EXPECT_EQ(Row(RenderGreyOk(*dataset)), (std::vector<int>{0, 26, 51, 255}));
}

TEST(GreyscaleRendering, ThirtyTwoBitUnsignedDoseLikeRtDose) {
  // RT Dose stores 32-bit unsigned values (PS3.3 C.8.8.3.4.3), no window:
  // min/max of the frame span the range. Values above 2^31 must not turn
  // negative: 0 -> 0, 2^31 -> 127.5, 3 * 2^30 -> 191.25, 2^32 - 1 -> 255.
  auto dataset = MakeDataset(Mono(4, 32, 32, 31, false),
                             {0, 0x80000000u, 0xC0000000u, 0xFFFFFFFFu});
  EXPECT_EQ(Row(RenderGreyOk(*dataset)), (std::vector<int>{0, 128, 191, 255}));
}

TEST(GreyscaleRendering, SignedEightBitsAreSignExtended) {
  // 8 bits stored, signed, window c=0 w=256: ((x + 0.5) / 255 + 0.5) * 255:
  // 0x80 -> -128 -> 0; 0xFF -> -1 -> 127; 0 -> 128; 0x7F -> 127 -> 255.
  auto dataset = MakeDataset(Mono(4, 8, 8, 7, true), {0x80, 0xFF, 0, 0x7F});
  SetWindow(*dataset, 0, 256);
  EXPECT_EQ(Row(RenderGreyOk(*dataset)), (std::vector<int>{0, 127, 128, 255}));
}

TEST(GreyscaleRendering, ConstantFrameWithoutWindowUsesTheBitsStoredRange) {
  auto black = MakeDataset(Mono(2, 16, 12, 11, false), {0, 0});
  EXPECT_EQ(Row(RenderGreyOk(*black)), (std::vector<int>{0, 0}));
  auto white = MakeDataset(Mono(2, 16, 12, 11, false), {4095, 4095});
  EXPECT_EQ(Row(RenderGreyOk(*white)), (std::vector<int>{255, 255}));
}

TEST(GreyscaleRendering, VoiLutSequenceWhenNoWindow) {
  // LUT of 4 entries starting at input 0, 8 bits: outputs scaled by 255/255.
  auto dataset = MakeDataset(Mono(5, 8, 8, 7, false), {0, 1, 2, 3, 10});
  DcmItem* item = nullptr;
  ASSERT_TRUE(dataset->findOrCreateSequenceItem(DCM_VOILUTSequence, item, -2).good());
  auto* descriptor = new DcmUnsignedShort(DcmTag(DCM_LUTDescriptor, EVR_US));
  const Uint16 descriptor_values[] = {4, 0, 8};
  descriptor->putUint16Array(descriptor_values, 3);
  item->insert(descriptor, true);
  const Uint16 lut[] = {0, 100, 200, 255};
  auto* data = new DcmUnsignedShort(DcmTag(DCM_LUTData, EVR_US));
  data->putUint16Array(lut, 4);
  item->insert(data, true);
  // Inputs past the last entry map to the last entry (C.11.2.1.1).
  EXPECT_EQ(Row(RenderGreyOk(*dataset)), (std::vector<int>{0, 100, 200, 255, 255}));
}

TEST(GreyscaleRendering, WindowFromSharedFunctionalGroupsOfEnhancedObjects) {
  auto dataset = MakeDataset(Mono(3, 16, 16, 15, false), {0, 1000, 2000});
  DcmItem* shared = nullptr;
  ASSERT_TRUE(
      dataset->findOrCreateSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, -2).good());
  DcmItem* voi = nullptr;
  ASSERT_TRUE(shared->findOrCreateSequenceItem(DCM_FrameVOILUTSequence, voi, -2).good());
  voi->putAndInsertString(DCM_WindowCenter, "1000");
  voi->putAndInsertString(DCM_WindowWidth, "2001");
  EXPECT_EQ(Row(RenderGreyOk(*dataset)), (std::vector<int>{0, 128, 255}));
}

TEST(GreyscaleRendering, MultiFrameUsesTheMiddleFrame) {
  // Three constant frames; frame index 3 / 2 = 1 is the middle one.
  PixelSpec spec = Mono(2, 8, 8, 7, false);
  spec.rows = 2;
  spec.frames = 3;
  auto dataset = MakeDataset(spec, {10, 10, 10, 10, 128, 128, 128, 128, 240, 240, 240, 240});
  SetWindow(*dataset, 128, 256);
  Png png = RenderGreyOk(*dataset);
  EXPECT_EQ(png.pixels, (std::vector<uint8_t>{128, 128, 128, 128}));

  // Four frames: index 2.
  spec.frames = 4;
  auto four = MakeDataset(spec, {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4});
  SetWindow(*four, 128, 256);
  EXPECT_EQ(RenderGreyOk(*four).pixels, (std::vector<uint8_t>{3, 3, 3, 3}));
}

}  // namespace
}  // namespace pixeldex::thumbnail::testing
