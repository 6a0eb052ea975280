#include "catalog/thumbnail/packed_bits.h"

namespace pixeldex::thumbnail {

void UnpackBits(const uint8_t* packed, size_t first_bit, size_t count, uint8_t* out) {
  for (size_t i = 0; i < count; ++i) {
    const size_t bit = first_bit + i;
    out[i] = static_cast<uint8_t>((packed[bit / 8] >> (bit % 8)) & 1u);
  }
}

}  // namespace pixeldex::thumbnail
