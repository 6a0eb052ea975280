#pragma once
// Unsigned integers read from the byte streams the guards inspect before a
// codec sees them: JPEG's marker segments are big-endian (ITU-T T.81 B.1.1.4),
// the RLE header's values little-endian (PS3.5 G.5). `p` must point at as
// many readable bytes as the value has; pure functions.

#include <cstdint>

namespace pixeldex::thumbnail {

inline uint16_t BigEndian16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

inline uint32_t LittleEndian32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

}  // namespace pixeldex::thumbnail
