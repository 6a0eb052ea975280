#pragma once
// The DICOM data dictionary (PS3.6 tag -> keyword, VR, name) as SQL text, so
// that the index can name the attributes of its stored headers without
// depending on DCMTK. Generated from DCMTK's dicom.dic by
// scripts/gen_dicom_dictionary.sh into dicom_dictionary.inc.

namespace pixeldex::index {

// INSERT statements filling the `dicom_dictionary` table of schema v2.
const char* DicomDictionaryInserts();

}  // namespace pixeldex::index
