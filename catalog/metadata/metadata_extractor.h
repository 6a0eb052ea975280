#pragma once
// Extraction of an instance's header: the typed key attributes of the four
// query levels and the full header as DICOM JSON, from a dataset loaded with
// DCMTK. Every text value is decoded to UTF-8 first, by the Specific
// Character Set its item declares (PS3.5 6.1; catalog/metadata/dataset_text.h),
// so that the index holds one encoding and nothing else.

#include <dcmtk/dcmdata/dcfilefo.h>

#include <string>

#include "catalog/common/instance_record.h"
#include "catalog/common/result.h"

namespace pixeldex::metadata {

struct ExtractedMetadata {
  PatientKeys patient;
  StudyKeys study;
  SeriesKeys series;
  InstanceKeys instance;
  std::string header_json;
  // Non-fatal problems worth a log line and an event: text that could not
  // be decoded faithfully (bytes replaced by U+FFFD, unknown character set
  // terms). Empty when every value was decoded.
  std::string warning;
  // SOP Class or SOP Instance UID was encoded with VR UN (read with its
  // dictionary VR, PS3.5 6.2.2): a sender that does not know the dictionary
  // may have named the instance differently in its request.
  bool identity_encoded_as_un = false;
};

// Fills every key the dataset has. Fails only when the dataset cannot be
// described at all (no SOP Instance UID is not a failure here; the ingest
// pipeline validates identity). Known attributes encoded as UN are re-read
// with their dictionary VR (unknown_vr.h) and text values decoded to UTF-8,
// in memory; the stored file is not touched.
Result<ExtractedMetadata> ExtractMetadata(DcmFileFormat& file);

}  // namespace pixeldex::metadata
