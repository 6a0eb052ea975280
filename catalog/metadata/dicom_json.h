#pragma once
// The DICOM JSON Model (PS3.18 Annex F) of a dataset, in compact form.
// Bulk data (PS3.18 F.2.6) is not inlined: Pixel Data, overlays, waveforms,
// encapsulated documents and any other binary value over kInlineBinaryLimit
// bytes are written as {"vr":..,"BulkDataURI":"bulkdata/GGGGEEEE"}, the
// bytes themselves staying in the stored file. Lazily loaded values that are
// written as bulk data are never read from disk.

#include <dcmtk/dcmdata/dcdatset.h>

#include <string>

#include "catalog/common/result.h"

namespace pixeldex::metadata {

inline constexpr unsigned long kInlineBinaryLimit = 1024;

// The dataset (without File Meta Information) as one JSON object.
Result<std::string> ToDicomJson(DcmDataset& dataset);

}  // namespace pixeldex::metadata
