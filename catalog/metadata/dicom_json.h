#pragma once
// The DICOM JSON Model (PS3.18 Annex F) of a dataset, in compact form, as one
// string. Bulk data (PS3.18 F.2.6, rules in bulk_data.h) is not inlined:
// Pixel Data, overlays, waveforms, encapsulated documents and any other
// binary value over kInlineBinaryLimit bytes are written as
// {"vr":..,"BulkDataURI":"bulkdata/GGGGEEEE"}, the bytes themselves staying
// in the stored file. Lazily loaded values that are written as bulk data are
// never read from disk.
//
// The text is byte for byte what DCMTK 3.6.7's DcmDataset::writeJson with
// DcmJsonFormatCompact wrote for the same data set (the stored headers of
// earlier versions came from it; tests/metadata/dicom_json_identity_test.cpp
// compares the two), including its departures from PS3.18 F.2 (listed in
// dicom_json.cpp). String values are written as the data set holds them:
// DecodeTextToUtf8 (dataset_text.h) has made them UTF-8 before.
// Not thread-safe on one data set (DCMTK converts string values in place
// while reading them); different data sets on different threads are fine.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>

#include <string>

#include "catalog/common/result.h"
#include "catalog/metadata/bulk_data.h"

namespace pixeldex::metadata {

// The dataset (without File Meta Information) as one JSON object.
Result<std::string> ToDicomJson(DcmDataset& dataset);

}  // namespace pixeldex::metadata
