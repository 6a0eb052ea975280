#include "catalog/thumbnail/jpeg_frame_header_guard.h"

#include <fmt/format.h>

#include <algorithm>

#include "catalog/thumbnail/byte_order.h"
#include "catalog/thumbnail/jpeg_marker_guard.h"

namespace pixeldex::thumbnail {
namespace {

// T.81 B.2.2: SOFn marker (2), Lf (2), P (1), Y (2), X (2), Nf (1).
constexpr size_t kFrameHeaderBytes = 10;

}  // namespace

Result<unsigned> CheckJpegFrameHeader(const uint8_t* data, size_t size,
                                      const FrameLayout& declared) {
  const std::optional<size_t> at = DcmtkJpegFrameHeaderAt(data, size);
  if (!at) return 0u;
  if (size - *at < kFrameHeaderBytes) {
    return Status::Corruption(fmt::format("JPEG frame header at byte {} is truncated", *at));
  }
  const uint8_t* header = data + *at;
  const unsigned precision = header[4];
  const uint64_t lines = BigEndian16(header + 5);
  const uint64_t columns = BigEndian16(header + 7);
  const uint64_t components = header[9];
  // T.81 B.2.2 Table B.2: P is 8 or 12 (DCT), 2..16 (lossless).
  if (precision < 2 || precision > 16) {
    return Status::Corruption(
        fmt::format("JPEG frame header declares {}-bit samples (T.81 B.2.2: 2 to 16)", precision));
  }
  // Y = 0 announces a DNL marker, which DCMTK's decoder does not support.
  if (lines == 0 || columns == 0 || components == 0) {
    return Status::Corruption(fmt::format("JPEG frame header declares {}x{} with {} components",
                                          columns, lines, components));
  }
  const uint64_t bytes = lines * columns * components * (precision > 8 ? 2 : 1);
  const uint64_t room = static_cast<uint64_t>(declared.rows) * declared.columns *
                        declared.samples_per_pixel * std::max(1, declared.BytesPerSample());
  if (bytes > room) {
    return Status::Corruption(fmt::format(
        "JPEG frame header declares {}x{} with {} components of {} bits, larger than the data "
        "set's {}x{} with {} samples per pixel",
        columns, lines, components, precision, declared.columns, declared.rows,
        declared.samples_per_pixel));
  }
  return precision;
}

}  // namespace pixeldex::thumbnail
