// Colour models (PS3.3 C.7.6.3.1.2) and planar configuration (C.7.6.3.1.3).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcvrobow.h>
#include <dcmtk/dcmdata/dcvrus.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <vector>

#include "tests/thumbnail/thumbnail_test_support.h"

namespace pixeldex::thumbnail::testing {
namespace {

using Rgb = std::vector<int>;

// Four test colours: red, green, blue, a mid grey.
const std::vector<Rgb> kColors = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {120, 130, 140}};

PixelSpec Color(const char* photometric, int planar) {
  PixelSpec spec;
  spec.rows = 2;
  spec.columns = 2;
  spec.samples_per_pixel = 3;
  spec.photometric = photometric;
  spec.planar_configuration = planar;
  return spec;
}

Png RenderColorOk(DcmDataset& dataset) {
  ThumbnailRecord record = RenderViaFile(dataset);
  EXPECT_EQ(record.status, ThumbnailStatus::kOk);
  Png png = DecodePng(record.png);
  EXPECT_EQ(png.channels, 3);
  EXPECT_EQ(png.width, 2);
  EXPECT_EQ(png.height, 2);
  return png;
}

void ExpectColors(const Png& png, const std::vector<Rgb>& expected, int tolerance) {
  for (int p = 0; p < 4; ++p) {
    for (int c = 0; c < 3; ++c) {
      EXPECT_NEAR(png.At(p % 2, p / 2, c), expected[p][c], tolerance) << "pixel " << p << " channel " << c;
    }
  }
}

TEST(ColorRendering, RgbInterleaved) {
  std::vector<uint32_t> samples;
  for (const Rgb& c : kColors) samples.insert(samples.end(), c.begin(), c.end());
  auto dataset = MakeDataset(Color("RGB", 0), samples);
  ExpectColors(RenderColorOk(*dataset), kColors, 0);
}

TEST(ColorRendering, RgbPlanar) {
  std::vector<uint32_t> samples;
  for (int c = 0; c < 3; ++c) {
    for (const Rgb& color : kColors) samples.push_back(color[c]);
  }
  auto dataset = MakeDataset(Color("RGB", 1), samples);
  ExpectColors(RenderColorOk(*dataset), kColors, 0);
}

TEST(ColorRendering, SixteenBitRgbIsScaledToEightBits) {
  PixelSpec spec = Color("RGB", 0);
  spec.bits_allocated = 16;
  spec.bits_stored = 12;
  spec.high_bit = 11;
  std::vector<uint32_t> samples;
  for (const Rgb& c : kColors) {
    for (int v : c) samples.push_back(static_cast<uint32_t>(std::lround(v * 4095.0 / 255.0)));
  }
  auto dataset = MakeDataset(spec, samples);
  ExpectColors(RenderColorOk(*dataset), kColors, 1);
}

TEST(ColorRendering, YbrFullIsConvertedToRgb) {
  // Forward transform of PS3.3 C.7.6.3.1.2; rounding leaves +-2.
  std::vector<uint32_t> samples;
  for (const Rgb& c : kColors) {
    const double y = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
    const double cb = -0.1687 * c[0] - 0.3313 * c[1] + 0.5 * c[2] + 128;
    const double cr = 0.5 * c[0] - 0.4187 * c[1] - 0.0813 * c[2] + 128;
    for (double v : {y, cb, cr}) {
      samples.push_back(static_cast<uint32_t>(std::clamp(std::lround(v), 0L, 255L)));
    }
  }
  auto dataset = MakeDataset(Color("YBR_FULL", 0), samples);
  ExpectColors(RenderColorOk(*dataset), kColors, 2);
}

TEST(ColorRendering, YbrFull422SharesChromaBetweenPixelPairs) {
  // Native YBR_FULL_422: Y1 Y2 Cb Cr per pair of pixels; neutral chroma.
  auto dataset = MakeDataset(Color("YBR_FULL_422", 0), {100, 200, 128, 128, 30, 60, 128, 128});
  ExpectColors(RenderColorOk(*dataset),
               {{100, 100, 100}, {200, 200, 200}, {30, 30, 30}, {60, 60, 60}}, 0);
}

TEST(ColorRendering, PaletteColorLooksUpEachIndex) {
  PixelSpec spec;
  spec.rows = 2;
  spec.columns = 2;
  spec.photometric = "PALETTE COLOR";
  auto dataset = MakeDataset(spec, {0, 1, 2, 3});
  // 16-bit entries (C.7.6.3.1.5); the display keeps the high byte.
  const Uint16 red[] = {65535, 0, 0, 30840};
  const Uint16 green[] = {0, 65535, 0, 33410};
  const Uint16 blue[] = {0, 0, 65535, 35980};
  const DcmTagKey descriptors[] = {DCM_RedPaletteColorLookupTableDescriptor,
                                   DCM_GreenPaletteColorLookupTableDescriptor,
                                   DCM_BluePaletteColorLookupTableDescriptor};
  const DcmTagKey data[] = {DCM_RedPaletteColorLookupTableData,
                            DCM_GreenPaletteColorLookupTableData,
                            DCM_BluePaletteColorLookupTableData};
  const Uint16* tables[] = {red, green, blue};
  for (int c = 0; c < 3; ++c) {
    auto* descriptor = new DcmUnsignedShort(DcmTag(descriptors[c], EVR_US));
    const Uint16 values[] = {4, 0, 16};
    descriptor->putUint16Array(values, 3);
    dataset->insert(descriptor, true);
    auto* lut = new DcmOtherByteOtherWord(DcmTag(data[c], EVR_OW));
    lut->putUint16Array(tables[c], 4);
    dataset->insert(lut, true);
  }
  ExpectColors(RenderColorOk(*dataset), kColors, 0);
}

TEST(ColorRendering, PaletteColorWithoutLutsIsADecodeError) {
  PixelSpec spec;
  spec.photometric = "PALETTE COLOR";
  auto dataset = MakeDataset(spec, {0});
  ThumbnailRecord record = RenderViaFile(*dataset);
  EXPECT_EQ(record.status, ThumbnailStatus::kDecodeError) << record.reason;
  EXPECT_TRUE(record.png.empty());
}

}  // namespace
}  // namespace pixeldex::thumbnail::testing
