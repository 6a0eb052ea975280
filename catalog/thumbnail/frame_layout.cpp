#include "catalog/thumbnail/frame_layout.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <fmt/format.h>

#include <cctype>

namespace pixeldex::thumbnail {
namespace {

int GetUint16Or(DcmItem& item, const DcmTagKey& tag, int fallback) {
  Uint16 value = 0;
  return item.findAndGetUint16(tag, value).good() ? value : fallback;
}

}  // namespace

size_t FrameLayout::FrameBytes() const {
  const size_t pixels = static_cast<size_t>(rows) * columns;
  // Subsampled YBR: Y1 Y2 Cb Cr per two pixels, i.e. two samples per pixel.
  const size_t samples = chroma_subsampled ? pixels * 2 : pixels * samples_per_pixel;
  if (bits_allocated == 1) return (samples + 7) / 8;
  return samples * BytesPerSample();
}

bool FrameLayout::IsMonochrome() const {
  return photometric == "MONOCHROME1" || photometric == "MONOCHROME2";
}

Result<FrameLayout> ReadFrameLayout(DcmItem& dataset) {
  FrameLayout layout;
  layout.rows = GetUint16Or(dataset, DCM_Rows, 0);
  layout.columns = GetUint16Or(dataset, DCM_Columns, 0);
  layout.samples_per_pixel = GetUint16Or(dataset, DCM_SamplesPerPixel, 1);
  layout.bits_allocated = GetUint16Or(dataset, DCM_BitsAllocated, 0);
  layout.bits_stored = GetUint16Or(dataset, DCM_BitsStored, layout.bits_allocated);
  layout.high_bit = GetUint16Or(dataset, DCM_HighBit, layout.bits_stored - 1);
  layout.is_signed = GetUint16Or(dataset, DCM_PixelRepresentation, 0) == 1;
  layout.planar_configuration = GetUint16Or(dataset, DCM_PlanarConfiguration, 0);

  OFString photometric;
  if (dataset.findAndGetOFString(DCM_PhotometricInterpretation, photometric).good()) {
    layout.photometric = photometric.c_str();
  }
  // Some writers pad or lower-case the code string; normalise.
  while (!layout.photometric.empty() && layout.photometric.back() == ' ') {
    layout.photometric.pop_back();
  }
  for (char& c : layout.photometric) c = static_cast<char>(std::toupper(c));
  if (layout.photometric.empty()) {
    layout.photometric = layout.samples_per_pixel == 1 ? "MONOCHROME2" : "RGB";
  }

  Sint32 frames = 1;
  if (dataset.findAndGetSint32(DCM_NumberOfFrames, frames).good() && frames > 1) {
    layout.number_of_frames = frames;
  }

  if (layout.rows <= 0 || layout.columns <= 0) {
    return Status::InvalidArgument(
        fmt::format("invalid image size {}x{}", layout.columns, layout.rows));
  }
  // PS3.3 C.7.6.3.1.1: 1 bit allocated (segmentations, overlays-as-image)
  // holds one-sample monochrome pixels.
  if (layout.bits_allocated == 1 && layout.samples_per_pixel != 1) {
    return Status::InvalidArgument("Bits Allocated 1 with more than one sample per pixel");
  }
  if (layout.bits_allocated != 1 && layout.bits_allocated != 8 && layout.bits_allocated != 16 &&
      layout.bits_allocated != 32) {
    return Status::InvalidArgument(
        fmt::format("unsupported Bits Allocated {}", layout.bits_allocated));
  }
  if (layout.bits_stored < 1 || layout.bits_stored > layout.bits_allocated ||
      layout.high_bit < layout.bits_stored - 1 || layout.high_bit >= layout.bits_allocated) {
    return Status::InvalidArgument(
        fmt::format("inconsistent Bits Stored {} / High Bit {} for Bits Allocated {}",
                    layout.bits_stored, layout.high_bit, layout.bits_allocated));
  }
  if (layout.samples_per_pixel != 1 && layout.samples_per_pixel != 3) {
    return Status::InvalidArgument(
        fmt::format("unsupported Samples per Pixel {}", layout.samples_per_pixel));
  }
  // A header can claim any size (a 500-byte JPEG claimed 35344x16400 to the
  // fuzzer); refuse before decoding or allocating. 256 MiB holds an 8192x8192
  // 16-bit image twice over, and bounds a server's worst case at one such
  // frame (plus the decoder's copy) per association.
  constexpr size_t kMaxFrameBytes = size_t{256} << 20;
  if (layout.FrameBytes() > kMaxFrameBytes) {
    return Status::InvalidArgument(fmt::format("frame of {}x{}x{} samples is too large",
                                               layout.columns, layout.rows,
                                               layout.samples_per_pixel));
  }
  const bool needs_three = !(layout.IsMonochrome() || layout.photometric == "PALETTE COLOR");
  if (needs_three != (layout.samples_per_pixel == 3)) {
    return Status::InvalidArgument(
        fmt::format("Photometric Interpretation {} with {} samples per pixel",
                    layout.photometric, layout.samples_per_pixel));
  }
  return layout;
}

}  // namespace pixeldex::thumbnail
