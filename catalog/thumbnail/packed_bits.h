#pragma once
// Unpacking of 1-bit pixel data (Bits Allocated 1, e.g. segmentations).
// PS3.5 8.1.1: pixel n of the stream is bit n % 8 (least significant first)
// of byte n / 8, and frames follow one another with no padding, so a frame
// can start in the middle of a byte. Pure function; thread-safe.

#include <cstddef>
#include <cstdint>

namespace pixeldex::thumbnail {

// Writes `count` pixels, starting at bit `first_bit` of `packed` (which holds
// at least (first_bit + count + 7) / 8 bytes), to `out` as one byte each: 0 or 1.
void UnpackBits(const uint8_t* packed, size_t first_bit, size_t count, uint8_t* out);

}  // namespace pixeldex::thumbnail
