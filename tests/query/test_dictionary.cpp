#include "tests/query/test_dictionary.h"

#include <vector>

#include "catalog/query/attribute_catalog.h"
#include "catalog/query/dicom_json.h"

namespace pixeldex::query::testing {
namespace {

struct Entry {
  const char* keyword;
  Tag tag;
  const char* vr;
};

const std::vector<Entry>& Extras() {
  static const std::vector<Entry> extras = {
      {"SpecificCharacterSet", {0x0008, 0x0005}, "CS"},
      {"QueryRetrieveLevel", {0x0008, 0x0052}, "CS"},
      {"ImageType", {0x0008, 0x0008}, "CS"},
      {"AcquisitionDate", {0x0008, 0x0022}, "DA"},
      {"AcquisitionDateTime", {0x0008, 0x002A}, "DT"},
      {"AcquisitionTime", {0x0008, 0x0032}, "TM"},
      {"RetrieveAETitle", {0x0008, 0x0054}, "AE"},
      {"CodeValue", {0x0008, 0x0100}, "SH"},
      {"CodingSchemeDesignator", {0x0008, 0x0102}, "SH"},
      {"CodeMeaning", {0x0008, 0x0104}, "LO"},
      {"ProcedureCodeSequence", {0x0008, 0x1032}, "SQ"},
      {"InstitutionalDepartmentName", {0x0008, 0x1040}, "LO"},
      {"OperatorsName", {0x0008, 0x1070}, "PN"},
      {"ReferencedStudySequence", {0x0008, 0x1110}, "SQ"},
      {"ReferencedSOPInstanceUID", {0x0008, 0x1155}, "UI"},
      {"PatientBirthTime", {0x0010, 0x0032}, "TM"},
      {"PatientAge", {0x0010, 0x1010}, "AS"},
      {"PatientWeight", {0x0010, 0x1030}, "DS"},
      {"PatientComments", {0x0010, 0x4000}, "LT"},
      {"SliceThickness", {0x0018, 0x0050}, "DS"},
      {"ProtocolName", {0x0018, 0x1030}, "LO"},
      {"Laterality", {0x0020, 0x0060}, "CS"},
      {"ScheduledProcedureStepID", {0x0040, 0x0009}, "SH"},
      {"RequestAttributesSequence", {0x0040, 0x0275}, "SQ"},
      {"RequestedProcedureID", {0x0040, 0x1001}, "SH"},
  };
  return extras;
}

}  // namespace

bool LookupKeyword(std::string_view keyword, Tag* tag, std::string* vr) {
  if (const AttributeInfo* info = FindAttributeByKeyword(keyword)) {
    *tag = info->tag;
    *vr = info->vr;
    return true;
  }
  for (const Entry& e : Extras()) {
    if (keyword == e.keyword) {
      *tag = e.tag;
      *vr = e.vr;
      return true;
    }
  }
  if (keyword.size() == 11 && keyword[8] == ':' && ParseTagHex(keyword.substr(0, 8), tag)) {
    *vr = std::string(keyword.substr(9));
    return true;
  }
  return false;
}

std::string KeywordOf(Tag tag) {
  if (const AttributeInfo* info = FindAttribute(tag)) return info->keyword;
  for (const Entry& e : Extras()) {
    if (e.tag == tag) return e.keyword;
  }
  return tag.Hex();
}

}  // namespace pixeldex::query::testing
