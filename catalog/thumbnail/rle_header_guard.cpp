#include "catalog/thumbnail/rle_header_guard.h"

#include <fmt/format.h>

#include "catalog/thumbnail/byte_order.h"

namespace pixeldex::thumbnail {
namespace {

constexpr size_t kHeaderBytes = 64;  // PS3.5 G.5: sixteen 32-bit values
constexpr uint32_t kMaxSegments = 15;

}  // namespace

std::optional<std::string> RleHeaderProblem(const uint8_t* data, size_t size) {
  if (size < kHeaderBytes) return fmt::format("RLE frame of {} bytes has no 64-byte header", size);
  const uint32_t segments = LittleEndian32(data);
  if (segments < 1 || segments > kMaxSegments) {
    return fmt::format("RLE header declares {} segments (PS3.5 G.5: 1 to 15)", segments);
  }
  uint64_t previous = 0;
  for (uint32_t i = 0; i < segments; ++i) {
    const uint64_t offset = LittleEndian32(data + 4 + 4 * i);
    if (i == 0 && offset != kHeaderBytes) {
      return fmt::format("RLE segment 1 starts at offset {}, not 64 (PS3.5 G.5)", offset);
    }
    if (i > 0 && offset <= previous) {
      return fmt::format("RLE segment {} offset {} does not follow {}", i + 1, offset, previous);
    }
    if (offset >= size) {
      return fmt::format("RLE segment {} offset {} is past the frame's {} bytes", i + 1, offset,
                         size);
    }
    previous = offset;
  }
  return std::nullopt;
}

}  // namespace pixeldex::thumbnail
