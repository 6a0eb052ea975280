#include "catalog/metadata/dicom_json.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcjson.h>
#include <dcmtk/dcmdata/dcstack.h>

#include <set>
#include <sstream>

namespace pixeldex::metadata {
namespace {

bool IsBinaryVr(DcmEVR vr) {
  switch (vr) {
    case EVR_OB: case EVR_OW: case EVR_OF: case EVR_OD: case EVR_OL: case EVR_OV:
    case EVR_UN: case EVR_ox: case EVR_px: case EVR_pixelItem:
      return true;
    default:
      return false;
  }
}

// Tags that are bulk data by nature (PS3.18 F.2.6 leaves the choice to the
// origin server): pixel data in its three forms, waveforms, overlays, curves,
// audio, spectroscopy and encapsulated documents.
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

class BulkDataJsonFormat : public DcmJsonFormatCompact {
 public:
  explicit BulkDataJsonFormat(std::set<DcmTagKey> bulk_tags)
      : DcmJsonFormatCompact(OFFalse), bulk_tags_(std::move(bulk_tags)) {}

  OFBool asBulkDataURI(const DcmTagKey& tag, OFString& uri) override {
    if (!IsBulkByNature(tag) && bulk_tags_.count(tag) == 0) return OFFalse;
    char buf[32];
    std::snprintf(buf, sizeof(buf), "bulkdata/%04X%04X", tag.getGroup(), tag.getElement());
    uri = buf;
    return OFTrue;
  }

 private:
  std::set<DcmTagKey> bulk_tags_;
};

// Binary values too large to inline, anywhere in the dataset.
std::set<DcmTagKey> LargeBinaryTags(DcmDataset& dataset) {
  std::set<DcmTagKey> tags;
  DcmStack stack;
  while (dataset.nextObject(stack, OFTrue).good()) {
    DcmObject* obj = stack.top();
    if (IsBinaryVr(obj->ident()) && obj->getLength() > kInlineBinaryLimit) {
      tags.insert(obj->getTag());
    }
  }
  return tags;
}

}  // namespace

Result<std::string> ToDicomJson(DcmDataset& dataset) {
  BulkDataJsonFormat format(LargeBinaryTags(dataset));
  std::ostringstream out;
  // DcmDataset::writeJson writes the members only; the braces are ours.
  out << '{';
  const OFCondition cond = dataset.writeJson(out, format);
  out << '}';
  if (cond.bad()) return Status::InvalidArgument(std::string("DICOM JSON: ") + cond.text());
  return out.str();
}

}  // namespace pixeldex::metadata
