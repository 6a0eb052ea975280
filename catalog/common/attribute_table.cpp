#include "catalog/common/attribute_table.h"

#include <array>
#include <string_view>

namespace pixeldex {
namespace {

using L = EntityLevel;
using M = Matching;
using P = PatientKeys;
using St = StudyKeys;
using Se = SeriesKeys;
using I = InstanceKeys;
constexpr bool kNotNull = true;
constexpr bool kNullable = false;
constexpr bool kStudyCopy = true;  // TypedAttribute::copied_to_study

// PS3.4 Tables C.6-1..C.6-4 (Patient Root) and C.6-5..C.6-7 (Study Root),
// restricted to what the index stores, with the keywords and VRs of PS3.6.
constexpr std::array kTable = {
    // Patient level.
    TypedAttribute{0x0010, 0x0010, "PatientName", "PN", L::kPatient, "patient_name", M::kByValue,
                   kNullable, &P::patient_name, kStudyCopy},
    TypedAttribute{0x0010, 0x0020, "PatientID", "LO", L::kPatient, "patient_id", M::kUniqueKey,
                   kNotNull, &P::patient_id, kStudyCopy},
    TypedAttribute{0x0010, 0x0021, "IssuerOfPatientID", "LO", L::kPatient, "issuer_of_patient_id",
                   M::kByValue, kNotNull, &P::issuer_of_patient_id, kStudyCopy},
    TypedAttribute{0x0010, 0x0030, "PatientBirthDate", "DA", L::kPatient, "patient_birth_date",
                   M::kByValue, kNullable, &P::birth_date, kStudyCopy},
    TypedAttribute{0x0010, 0x0040, "PatientSex", "CS", L::kPatient, "patient_sex", M::kByValue,
                   kNullable, &P::sex, kStudyCopy},
    // Study level.
    TypedAttribute{0x0020, 0x000D, "StudyInstanceUID", "UI", L::kStudy, "study_instance_uid",
                   M::kUniqueKey, kNotNull, &St::study_instance_uid},
    TypedAttribute{0x0008, 0x0020, "StudyDate", "DA", L::kStudy, "study_date", M::kByValue,
                   kNullable, &St::study_date},
    TypedAttribute{0x0008, 0x0030, "StudyTime", "TM", L::kStudy, "study_time", M::kByValue,
                   kNullable, &St::study_time},
    TypedAttribute{0x0008, 0x0050, "AccessionNumber", "SH", L::kStudy, "accession_number",
                   M::kByValue, kNullable, &St::accession_number},
    TypedAttribute{0x0020, 0x0010, "StudyID", "SH", L::kStudy, "study_id", M::kByValue, kNullable,
                   &St::study_id},
    TypedAttribute{0x0008, 0x1030, "StudyDescription", "LO", L::kStudy, "study_description",
                   M::kByValue, kNullable, &St::study_description},
    TypedAttribute{0x0008, 0x0090, "ReferringPhysicianName", "PN", L::kStudy,
                   "referring_physician_name", M::kByValue, kNullable,
                   &St::referring_physician_name},
    // In the SOP Common Module (PS3.3 Table C.12-1), kept per study: PS3.18 Table
    // 10.6.3-3 returns it from every study search, and a study's instances
    // share it as they share the Study Date it qualifies.
    TypedAttribute{0x0008, 0x0201, "TimezoneOffsetFromUTC", "SH", L::kStudy,
                   "timezone_offset_from_utc", M::kByValue, kNullable,
                   &St::timezone_offset_from_utc},
    // Series level.
    TypedAttribute{0x0020, 0x000E, "SeriesInstanceUID", "UI", L::kSeries, "series_instance_uid",
                   M::kUniqueKey, kNotNull, &Se::series_instance_uid},
    TypedAttribute{0x0008, 0x0060, "Modality", "CS", L::kSeries, "modality", M::kByValue, kNullable,
                   &Se::modality},
    TypedAttribute{0x0020, 0x0011, "SeriesNumber", "IS", L::kSeries, "series_number", M::kByValue,
                   kNullable, &Se::series_number},
    TypedAttribute{0x0008, 0x103E, "SeriesDescription", "LO", L::kSeries, "series_description",
                   M::kByValue, kNullable, &Se::series_description},
    TypedAttribute{0x0018, 0x0015, "BodyPartExamined", "CS", L::kSeries, "body_part_examined",
                   M::kByValue, kNullable, &Se::body_part_examined},
    TypedAttribute{0x0008, 0x0021, "SeriesDate", "DA", L::kSeries, "series_date", M::kByValue,
                   kNullable, &Se::series_date},
    TypedAttribute{0x0008, 0x0031, "SeriesTime", "TM", L::kSeries, "series_time", M::kByValue,
                   kNullable, &Se::series_time},
    TypedAttribute{0x0008, 0x0070, "Manufacturer", "LO", L::kSeries, "manufacturer", M::kByValue,
                   kNullable, &Se::manufacturer},
    TypedAttribute{0x0008, 0x0080, "InstitutionName", "LO", L::kSeries, "institution_name",
                   M::kByValue, kNullable, &Se::institution_name},
    TypedAttribute{0x0008, 0x1010, "StationName", "SH", L::kSeries, "station_name", M::kByValue,
                   kNullable, &Se::station_name},
    // Image (instance) level.
    TypedAttribute{0x0008, 0x0018, "SOPInstanceUID", "UI", L::kInstance, "sop_instance_uid",
                   M::kUniqueKey, kNotNull, &I::sop_instance_uid},
    TypedAttribute{0x0008, 0x0016, "SOPClassUID", "UI", L::kInstance, "sop_class_uid", M::kByValue,
                   kNotNull, &I::sop_class_uid},
    TypedAttribute{0x0020, 0x0013, "InstanceNumber", "IS", L::kInstance, "instance_number",
                   M::kByValue, kNullable, &I::instance_number},
    TypedAttribute{0x0028, 0x0010, "Rows", "US", L::kInstance, "rows", M::kByValue, kNullable,
                   &I::rows},
    TypedAttribute{0x0028, 0x0011, "Columns", "US", L::kInstance, "columns", M::kByValue, kNullable,
                   &I::columns},
    TypedAttribute{0x0028, 0x0008, "NumberOfFrames", "IS", L::kInstance, "number_of_frames",
                   M::kByValue, kNullable, &I::number_of_frames},
    TypedAttribute{0x0008, 0x0023, "ContentDate", "DA", L::kInstance, "content_date", M::kByValue,
                   kNullable, &I::content_date},
    TypedAttribute{0x0008, 0x0033, "ContentTime", "TM", L::kInstance, "content_time", M::kByValue,
                   kNullable, &I::content_time},
};

// The rules a new entry must keep, checked by the compiler.
constexpr bool EveryEntryIsConsistent() {
  int previous_level = 0;
  int unique_keys[4] = {0, 0, 0, 0};
  for (const TypedAttribute& a : kTable) {
    const int level = static_cast<int>(a.level);
    // The member belongs to the keys of the entry's level...
    if (static_cast<int>(a.field.index() % 4) != level) return false;
    // ...and is an integer exactly for the integer VRs (IS text, US binary).
    const std::string_view vr = a.vr;
    if (a.IsInteger() != (vr == "IS" || vr == "US")) return false;
    // Unique keys identify rows: never NULL.
    if (a.matching == Matching::kUniqueKey && !a.not_null) return false;
    if (a.matching == Matching::kUniqueKey) ++unique_keys[level];
    // Only patient attributes are copied to the study.
    if (a.copied_to_study && a.level != EntityLevel::kPatient) return false;
    // Grouped by level, top down.
    if (level < previous_level) return false;
    previous_level = level;
  }
  return unique_keys[0] == 1 && unique_keys[1] == 1 && unique_keys[2] == 1 &&
         unique_keys[3] == 1;
}
static_assert(EveryEntryIsConsistent());

}  // namespace

std::span<const TypedAttribute> TypedAttributes() { return kTable; }

const char* EntityTable(EntityLevel level) {
  switch (level) {
    case EntityLevel::kPatient: return "patients";
    case EntityLevel::kStudy: return "studies";
    case EntityLevel::kSeries: return "series";
    case EntityLevel::kInstance: return "instances";
  }
  return "";
}

bool HasColumnAt(const TypedAttribute& attribute, EntityLevel level) {
  return attribute.level == level || (level == EntityLevel::kStudy && attribute.copied_to_study);
}

}  // namespace pixeldex
