#pragma once
// FrameLayout: how the samples of one frame are laid out, from the Image Pixel
// Module (PS3.3 C.7.6.3), and RawFrame: one frame's samples in that layout.
// Plain values; the reader validates them so renderers can trust them.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "catalog/common/result.h"

namespace pixeldex::thumbnail {

struct FrameLayout {
  int rows = 0;
  int columns = 0;
  int samples_per_pixel = 1;
  int bits_allocated = 0;   // 1 (native only, bit-packed), 8, 16 or 32
  int bits_stored = 0;      // 1..bits_allocated
  int high_bit = 0;         // bits_stored - 1 .. bits_allocated - 1
  bool is_signed = false;   // Pixel Representation 1: two's complement
  int planar_configuration = 0;  // 0: R1G1B1R2..., 1: R1R2...G1G2...B1B2...
  std::string photometric;  // e.g. "MONOCHROME2", "RGB", "YBR_FULL_422"
  int number_of_frames = 1;
  // True when the bytes hold two luminance samples and one Cb/Cr pair per two
  // pixels (native YBR_FULL_422 / YBR_PARTIAL_422, PS3.3 C.7.6.3.1.2).
  bool chroma_subsampled = false;

  int BytesPerSample() const { return bits_allocated / 8; }
  // Bytes of one frame in this layout; with 1 bit allocated, the bytes that
  // hold its bits (PS3.5 8.1.1: frames of bits need not start on a byte).
  size_t FrameBytes() const;
  bool IsMonochrome() const;
};

// An allocator that leaves elements default-initialised (for bytes: not
// written), so that resizing a frame buffer a decoder fills right after costs
// no pass of zeroes over it.
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <typename U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    if constexpr (sizeof...(Args) == 0) {
      ::new (static_cast<void*>(p)) U;
    } else {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
  }
};

// Samples of one frame, in host byte order, laid out as `layout` says.
// `layout.photometric` names the colour model of these bytes, which can differ
// from the dataset's (a JPEG decoder may already have converted YCbCr to RGB).
// The samples are either owned (`bytes`: decoded, unpacked, swapped or read
// from the file) or borrowed (`borrowed`: a native frame inside the data
// set's Pixel Data value, already in memory, which must outlive the frame);
// read them through Samples().
struct RawFrame {
  FrameLayout layout;
  std::vector<uint8_t, UninitializedAllocator<uint8_t>> bytes;
  std::span<const uint8_t> borrowed;

  std::span<const uint8_t> Samples() const {
    return borrowed.data() != nullptr ? borrowed : std::span<const uint8_t>(bytes);
  }
};

// Reads and validates the Image Pixel Module of `dataset`. Fails with
// kInvalidArgument when a required attribute is missing or inconsistent.
Result<FrameLayout> ReadFrameLayout(DcmItem& dataset);

}  // namespace pixeldex::thumbnail
