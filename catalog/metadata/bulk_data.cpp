#include "catalog/metadata/bulk_data.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <algorithm>

#include "catalog/metadata/json_text.h"

namespace pixeldex::metadata {

bool IsBinaryVr(DcmEVR ident) {
  switch (ident) {
    case EVR_OB:
    case EVR_OW:
    case EVR_OF:
    case EVR_OD:
    case EVR_OL:
    case EVR_OV:
    case EVR_UN:
    case EVR_ox:
    case EVR_px:
    case EVR_pixelItem:
      return true;
    default:
      return false;
  }
}

bool IsBulkByNature(const DcmTagKey& tag) {
  const Uint16 g = tag.getGroup();
  const Uint16 e = tag.getElement();
  if (tag == DCM_PixelData || tag == DCM_FloatPixelData || tag == DCM_DoubleFloatPixelData ||
      tag == DCM_WaveformData || tag == DCM_EncapsulatedDocument || tag == DCM_SpectroscopyData) {
    return true;
  }
  if ((g & 0xff01) == 0x6000 && e == 0x3000) return true;  // Overlay Data (60xx,3000)
  if ((g & 0xff01) == 0x5000 && (e == 0x3000 || e == 0x200c)) return true;  // curves, audio
  return false;
}

BulkDataUri::BulkDataUri(const DcmTagKey& tag) {
  static constexpr std::string_view prefix = "bulkdata/";
  const std::array<char, 8> key = TagKeyHex(tag.getGroup(), tag.getElement());
  std::copy(key.begin(), key.end(), std::copy(prefix.begin(), prefix.end(), text_.begin()));
}

}  // namespace pixeldex::metadata
