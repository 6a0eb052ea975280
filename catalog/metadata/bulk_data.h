#pragma once
// Which values of a data set the stored DICOM JSON header leaves out as bulk
// data (PS3.18 F.2.6, "BulkDataURI": the choice is the origin server's), and
// the relative URI that stands for them. Pure functions of tags and VRs; safe
// from any thread.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctagkey.h>
#include <dcmtk/dcmdata/dcvr.h>

#include <array>
#include <string_view>

namespace pixeldex::metadata {

// Binary values longer than this are bulk data wherever they are.
inline constexpr unsigned long kInlineBinaryLimit = 1024;

// The element kinds (DcmObject::ident()) whose values are bytes: OB, OW, OF,
// OD, OL, OV, UN and DCMTK's internal OB/OW kinds. A value of one of them
// longer than kInlineBinaryLimit makes its tag bulk data everywhere in the
// data set.
bool IsBinaryVr(DcmEVR ident);

// Tags that are bulk data by nature: pixel data in its three forms,
// waveforms, overlays, curves, audio, spectroscopy and encapsulated
// documents.
bool IsBulkByNature(const DcmTagKey& tag);

// "bulkdata/GGGGEEEE" (upper-case hex), the BulkDataURI of `tag`, relative to
// the instance's URL (server/dicomweb/wado_metadata_service.h makes it
// absolute).
class BulkDataUri {
 public:
  explicit BulkDataUri(const DcmTagKey& tag);
  std::string_view text() const { return {text_.data(), text_.size()}; }

 private:
  std::array<char, 17> text_;
};

}  // namespace pixeldex::metadata
