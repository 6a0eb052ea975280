#include "catalog/thumbnail/color_renderer.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "catalog/thumbnail/stored_value.h"

namespace pixeldex::thumbnail {
namespace {

uint8_t Clamp8(int v) { return static_cast<uint8_t>(std::clamp(v, 0, 255)); }

// PS3.3 C.7.6.3.1.2 defines YBR_FULL from RGB (ITU-R BT.601, full range);
// this is its inverse, in 16.16 fixed point.
void YbrFullToRgb(int y, int cb, int cr, uint8_t* rgb) {
  y = y * 65536 + 32768;  // + 0.5 so that the shift rounds
  cb -= 128;
  cr -= 128;
  rgb[0] = Clamp8((y + 91881 * cr) >> 16);
  rgb[1] = Clamp8((y - 22554 * cb - 46802 * cr) >> 16);
  rgb[2] = Clamp8((y + 116130 * cb) >> 16);
}

// YBR_PARTIAL: luminance 16..235, chrominance 16..240 (PS3.3 C.7.6.3.1.2).
void YbrPartialToRgb(int y, int cb, int cr, uint8_t* rgb) {
  y = 76309 * (y - 16);
  cb -= 128;
  cr -= 128;
  rgb[0] = Clamp8((y + 104597 * cr + 32768) >> 16);
  rgb[1] = Clamp8((y - 25675 * cb - 53279 * cr + 32768) >> 16);
  rgb[2] = Clamp8((y + 132201 * cb + 32768) >> 16);
}

// Stored value -> 0..255 for Bits Stored wider or narrower than 8.
class To8Bit {
 public:
  explicit To8Bit(const FrameLayout& layout)
      : decode_(layout), max_(decode_.MaxPossible()), identity_(layout.bits_stored == 8) {}
  int operator()(uint32_t container) const {
    const int64_t v = std::max<int64_t>(0, decode_(container));
    return identity_ ? static_cast<int>(v) : static_cast<int>((v * 255 + max_ / 2) / max_);
  }

 private:
  StoredValueDecoder decode_;
  int64_t max_;
  bool identity_;
};

enum class Model { kRgb, kYbrFull, kYbrPartial };

template <typename T>
void RenderThreeSamples(const T* s, const FrameLayout& layout, Model model, uint8_t* out) {
  const To8Bit to8(layout);
  const size_t n = static_cast<size_t>(layout.columns) * layout.rows;
  for (size_t p = 0; p < n; ++p) {
    int a, b, c;
    if (layout.chroma_subsampled) {
      // Y1 Y2 Cb Cr for each pair of pixels.
      const T* pair = s + (p / 2) * 4;
      a = to8(pair[p % 2]);
      b = to8(pair[2]);
      c = to8(pair[3]);
    } else if (layout.planar_configuration == 1) {
      a = to8(s[p]);
      b = to8(s[n + p]);
      c = to8(s[2 * n + p]);
    } else {
      a = to8(s[3 * p]);
      b = to8(s[3 * p + 1]);
      c = to8(s[3 * p + 2]);
    }
    uint8_t* rgb = out + 3 * p;
    switch (model) {
      case Model::kRgb:
        rgb[0] = static_cast<uint8_t>(a);
        rgb[1] = static_cast<uint8_t>(b);
        rgb[2] = static_cast<uint8_t>(c);
        break;
      case Model::kYbrFull: YbrFullToRgb(a, b, c, rgb); break;
      case Model::kYbrPartial: YbrPartialToRgb(a, b, c, rgb); break;
    }
  }
}

template <typename T>
void RenderPalette(const T* s, const FrameLayout& layout, const PaletteLuts& luts, uint8_t* out) {
  const StoredValueDecoder decode(layout);
  const size_t n = static_cast<size_t>(layout.columns) * layout.rows;
  // Entries are 8 or 16 bits (C.7.6.3.1.5); keep the most significant 8.
  int shifts[3];
  for (int c = 0; c < 3; ++c) shifts[c] = std::max(0, luts[c].bits_per_entry - 8);
  for (size_t p = 0; p < n; ++p) {
    const int64_t index = decode(s[p]);
    for (int c = 0; c < 3; ++c) {
      out[3 * p + c] = static_cast<uint8_t>(std::min(255, luts[c].Lookup(index) >> shifts[c]));
    }
  }
}

}  // namespace

bool IsColorPhotometric(const std::string& photometric) {
  return photometric == "RGB" || photometric == "PALETTE COLOR" ||
         photometric.rfind("YBR_FULL", 0) == 0 || photometric.rfind("YBR_PARTIAL", 0) == 0;
}

Result<PaletteLuts> ReadPaletteLuts(DcmItem& dataset, bool pixel_signed) {
  if (dataset.tagExists(DCM_SegmentedRedPaletteColorLookupTableData)) {
    return Status::InvalidArgument("segmented palette color LUTs are not supported");
  }
  static const DcmTagKey kDescriptors[3] = {DCM_RedPaletteColorLookupTableDescriptor,
                                            DCM_GreenPaletteColorLookupTableDescriptor,
                                            DCM_BluePaletteColorLookupTableDescriptor};
  static const DcmTagKey kData[3] = {DCM_RedPaletteColorLookupTableData,
                                     DCM_GreenPaletteColorLookupTableData,
                                     DCM_BluePaletteColorLookupTableData};
  PaletteLuts luts;
  for (int c = 0; c < 3; ++c) {
    Result<LookupTable> lut = ReadLookupTable(dataset, kDescriptors[c], kData[c], pixel_signed);
    if (!lut.ok()) {
      return Status::InvalidArgument(fmt::format("palette color LUT: {}", lut.status().message()));
    }
    luts[c] = std::move(*lut);
  }
  return luts;
}

Result<DisplayImage> RenderColor(const RawFrame& frame, const PaletteLuts* palette) {
  const FrameLayout& layout = frame.layout;
  DisplayImage image(layout.columns, layout.rows, 3);
  if (frame.Samples().size() < layout.FrameBytes()) {
    return Status::Corruption("frame shorter than its layout");
  }
  uint8_t* out = image.pixels.data();
  if (layout.photometric == "PALETTE COLOR") {
    if (palette == nullptr || layout.samples_per_pixel != 1) {
      return Status::InvalidArgument("PALETTE COLOR needs one sample and palette LUTs");
    }
    WithContainers(frame, [&](const auto* s) { RenderPalette(s, layout, *palette, out); });
    return image;
  }
  if (!IsColorPhotometric(layout.photometric) || layout.samples_per_pixel != 3) {
    return Status::InvalidArgument(
        fmt::format("unsupported Photometric Interpretation {}", layout.photometric));
  }
  if (layout.photometric == "RGB" && layout.bits_allocated == 8 && layout.bits_stored == 8 &&
      layout.planar_configuration == 0) {
    std::copy_n(frame.Samples().data(), image.pixels.size(), out);  // already display RGB
    return image;
  }
  const Model model = layout.photometric == "RGB"                    ? Model::kRgb
                      : layout.photometric.rfind("YBR_FULL", 0) == 0 ? Model::kYbrFull
                                                                     : Model::kYbrPartial;
  WithContainers(frame, [&](const auto* s) { RenderThreeSamples(s, layout, model, out); });
  return image;
}

}  // namespace pixeldex::thumbnail
