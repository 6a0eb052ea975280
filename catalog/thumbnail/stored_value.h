#pragma once
// StoredValueDecoder: turns a sample container (8, 16 or 32 bits allocated)
// into the stored pixel value it holds, honouring Bits Stored, High Bit and
// Pixel Representation (PS3.5 8.1.1, PS3.3 C.7.6.3.1): the value occupies
// bits [High Bit - Bits Stored + 1, High Bit]; other bits (overlays, junk)
// are ignored; two's complement when signed. Header-only: it sits in the
// innermost loops.

#include <cstdint>
#include <cstring>

#include "catalog/thumbnail/frame_layout.h"

namespace pixeldex::thumbnail {

class StoredValueDecoder {
 public:
  explicit StoredValueDecoder(const FrameLayout& layout)
      : shift_(layout.high_bit + 1 - layout.bits_stored),
        mask_(layout.bits_stored >= 32 ? 0xFFFFFFFFu : (1u << layout.bits_stored) - 1),
        sign_bit_(layout.is_signed ? (1u << (layout.bits_stored - 1)) : 0) {}

  // Branch-free (it runs once per pixel): flipping the sign bit and
  // subtracting it sign-extends a two's complement value of Bits Stored bits,
  // and is the identity when unsigned (sign_bit_ == 0).
  int64_t operator()(uint32_t container) const {
    const uint32_t value = (container >> shift_) & mask_;
    return static_cast<int64_t>(value ^ sign_bit_) - static_cast<int64_t>(sign_bit_);
  }

  // The same decoding in 32-bit arithmetic, for 8- and 16-bit containers
  // (Bits Stored <= 16), where it lets the compiler vectorise pixel loops.
  struct Narrow {
    uint32_t shift, mask, sign_bit;
    int32_t operator()(uint32_t container) const {
      return static_cast<int32_t>(((container >> shift) & mask) ^ sign_bit) -
             static_cast<int32_t>(sign_bit);
    }
  };
  Narrow narrow() const { return {static_cast<uint32_t>(shift_), mask_, sign_bit_}; }

  // Smallest and largest value Bits Stored can hold.
  int64_t MinPossible() const { return sign_bit_ ? -static_cast<int64_t>(sign_bit_) : 0; }
  int64_t MaxPossible() const {
    return sign_bit_ ? static_cast<int64_t>(sign_bit_) - 1 : static_cast<int64_t>(mask_);
  }

 private:
  int shift_;
  uint32_t mask_;
  uint32_t sign_bit_;
};

// Calls fn(const T* containers) with the frame's samples viewed as the
// container type of its Bits Allocated (uint8_t, uint16_t or uint32_t).
template <typename Fn>
void WithContainers(const RawFrame& frame, Fn&& fn) {
  const uint8_t* samples = frame.Samples().data();
  switch (frame.layout.bits_allocated) {
    case 8: fn(samples); break;
    case 16: fn(reinterpret_cast<const uint16_t*>(samples)); break;
    default: fn(reinterpret_cast<const uint32_t*>(samples)); break;
  }
}

}  // namespace pixeldex::thumbnail
