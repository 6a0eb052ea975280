#include "catalog/index/dicom_dictionary.h"

namespace pixeldex::index {

const char* DicomDictionaryInserts() {
  static constexpr const char* kInserts =
#include "catalog/index/dicom_dictionary.inc"
      ;
  return kInserts;
}

}  // namespace pixeldex::index
