#include "catalog/thumbnail/jpeg_marker_guard.h"

#include "catalog/thumbnail/byte_order.h"

namespace pixeldex::thumbnail {
namespace {

struct ScanEnd {
  bool terminates = true;
  std::optional<size_t> frame_header;
};

ScanEnd ScanAsDcmtk(const uint8_t* data, size_t size) {
  // ITU T.81 B.1.1.3 markers, walked as DCMTK 3.6.7 walks them.
  size_t offset = 0;
  while (offset + 4 < size) {
    const uint16_t marker = BigEndian16(data + offset);
    if (marker == 0xFF01) return {false, std::nullopt};  // TEM: DCMTK does not advance
    const bool frame_header = marker >= 0xFFC0 && marker <= 0xFFCF && marker != 0xFFC4 &&
                              marker != 0xFFC8 && marker != 0xFFCC;
    if (frame_header) return {true, offset};  // SOFn: DCMTK has its bit depth
    if (marker == 0xFFFF) {
      offset += 1;  // fill byte
    } else if ((marker >= 0xFFD0 && marker <= 0xFFD9) ||
               (data[offset] == 0xFF && data[offset + 1] > 0x02 && data[offset + 1] <= 0xBF)) {
      offset += 2;  // RSTn, SOI, EOI, reserved: no length
    } else if (marker >= 0xFFC4 && marker <= 0xFFFE) {
      offset += BigEndian16(data + offset + 2) + 2u;  // a segment with a length
    } else {
      return {};  // not a marker: DCMTK stops with an error
    }
  }
  return {};
}

}  // namespace

bool DcmtkJpegScanTerminates(const uint8_t* data, size_t size) {
  return ScanAsDcmtk(data, size).terminates;
}

std::optional<size_t> DcmtkJpegFrameHeaderAt(const uint8_t* data, size_t size) {
  return ScanAsDcmtk(data, size).frame_header;
}

}  // namespace pixeldex::thumbnail
