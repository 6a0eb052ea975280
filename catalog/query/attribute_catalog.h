#pragma once
// The attribute catalog: which C-FIND keys the index knows, at which level of
// the Patient Root / Study Root hierarchy (PS3.4 C.6.1.1 and C.6.2.1), with
// which VR, and where their values live: a typed column of patients, studies,
// series or instances; a value computed from the rows below (the "Number of
// ... Related ..." keys, Modalities in Study, SOP Classes in Study); or, for
// any tag not listed here, the instance's full header in headers.json.
// The typed-column entries come from the attribute table
// (catalog/common/attribute_table.h); the computed keys are listed here.
// Immutable static data; safe from any thread.

#include <string_view>
#include <vector>

#include "catalog/query/query_types.h"

namespace pixeldex::query {

enum class Computed {
  kNone,
  kPatientStudies,     // (0020,1200) Number of Patient Related Studies
  kPatientSeries,      // (0020,1202) Number of Patient Related Series
  kPatientInstances,   // (0020,1204) Number of Patient Related Instances
  kStudySeries,        // (0020,1206) Number of Study Related Series
  kStudyInstances,     // (0020,1208) Number of Study Related Instances
  kSeriesInstances,    // (0020,1209) Number of Series Related Instances
  kModalitiesInStudy,  // (0008,0061)
  kSopClassesInStudy,  // (0008,0062)
};

struct AttributeInfo {
  Tag tag;
  const char* keyword;
  const char* vr;
  QueryLevel level;     // the level in the Patient Root model
  const char* column;   // qualified column (aliases p, st, se, i); nullptr if computed
  Computed computed = Computed::kNone;
  bool unique_key = false;
  // False for keys the index returns but cannot match on (the counts: PS3.4
  // C.6.1.1.x lists them as return keys only); a value is then ignored and the
  // response is FF01 (optional key not supported for matching).
  bool matchable = true;
  // The study's own copy of a patient attribute ("st.patient_name"), read at
  // the study level and below; nullptr when the attribute has none.
  const char* study_column = nullptr;
};

// The catalog entry for `tag`, or nullptr for a tag read from headers.json.
const AttributeInfo* FindAttribute(Tag tag);
// By DICOM keyword ("PatientName"); nullptr when unknown. For tests and tools.
const AttributeInfo* FindAttributeByKeyword(std::string_view keyword);
const std::vector<AttributeInfo>& AllAttributes();

// The level an attribute belongs to in `model`: in the Study Root model the
// patient attributes are attributes of the study (PS3.4 C.6.2.1.2).
QueryLevel LevelInModel(const AttributeInfo& info, InformationModel model);
// Where `info` is read in a query at `level`: below the patient level a
// patient attribute that each study keeps (study_column) is the study's
// own, as its files say (PS3.4 C.6.1.1.3, C.6.2.1.2); otherwise `column`.
const char* ColumnAt(const AttributeInfo& info, QueryLevel level);
// The level whose table a query at `level` reads `info` from: that of
// ColumnAt's column, or for a computed key the table its expression starts
// from (the patient's, study's or series' key).
QueryLevel TableLevelAt(const AttributeInfo& info, QueryLevel level);
// The highest level of the model: PATIENT or STUDY.
QueryLevel TopLevel(InformationModel model);
// The unique key of a level: Patient ID, Study/Series/SOP Instance UID.
Tag UniqueKeyOf(QueryLevel level);

}  // namespace pixeldex::query
