#include "catalog/query/attribute_catalog.h"

namespace pixeldex::query {

namespace {
using L = QueryLevel;
using C = Computed;

// PS3.4 Tables C.6-1..C.6-4 (Patient Root) and C.6-5..C.6-7 (Study Root),
// restricted to what the index stores, with the VRs of PS3.6.
std::vector<AttributeInfo> MakeCatalog() {
  return {
      // Patient level.
      {{0x0010, 0x0010}, "PatientName", "PN", L::kPatient, "p.patient_name"},
      {{0x0010, 0x0020}, "PatientID", "LO", L::kPatient, "p.patient_id", C::kNone, true},
      {{0x0010, 0x0021}, "IssuerOfPatientID", "LO", L::kPatient, "p.issuer_of_patient_id"},
      {{0x0010, 0x0030}, "PatientBirthDate", "DA", L::kPatient, "p.patient_birth_date"},
      {{0x0010, 0x0040}, "PatientSex", "CS", L::kPatient, "p.patient_sex"},
      {{0x0020, 0x1200}, "NumberOfPatientRelatedStudies", "IS", L::kPatient, nullptr,
       C::kPatientStudies, false, false},
      {{0x0020, 0x1202}, "NumberOfPatientRelatedSeries", "IS", L::kPatient, nullptr,
       C::kPatientSeries, false, false},
      {{0x0020, 0x1204}, "NumberOfPatientRelatedInstances", "IS", L::kPatient, nullptr,
       C::kPatientInstances, false, false},
      // Study level.
      {{0x0020, 0x000D}, "StudyInstanceUID", "UI", L::kStudy, "st.study_instance_uid",
       C::kNone, true},
      {{0x0008, 0x0020}, "StudyDate", "DA", L::kStudy, "st.study_date"},
      {{0x0008, 0x0030}, "StudyTime", "TM", L::kStudy, "st.study_time"},
      {{0x0008, 0x0050}, "AccessionNumber", "SH", L::kStudy, "st.accession_number"},
      {{0x0020, 0x0010}, "StudyID", "SH", L::kStudy, "st.study_id"},
      {{0x0008, 0x1030}, "StudyDescription", "LO", L::kStudy, "st.study_description"},
      {{0x0008, 0x0090}, "ReferringPhysicianName", "PN", L::kStudy,
       "st.referring_physician_name"},
      {{0x0008, 0x0061}, "ModalitiesInStudy", "CS", L::kStudy, nullptr, C::kModalitiesInStudy},
      {{0x0008, 0x0062}, "SOPClassesInStudy", "UI", L::kStudy, nullptr, C::kSopClassesInStudy},
      {{0x0020, 0x1206}, "NumberOfStudyRelatedSeries", "IS", L::kStudy, nullptr,
       C::kStudySeries, false, false},
      {{0x0020, 0x1208}, "NumberOfStudyRelatedInstances", "IS", L::kStudy, nullptr,
       C::kStudyInstances, false, false},
      // Series level.
      {{0x0020, 0x000E}, "SeriesInstanceUID", "UI", L::kSeries, "se.series_instance_uid",
       C::kNone, true},
      {{0x0008, 0x0060}, "Modality", "CS", L::kSeries, "se.modality"},
      {{0x0020, 0x0011}, "SeriesNumber", "IS", L::kSeries, "se.series_number"},
      {{0x0008, 0x103E}, "SeriesDescription", "LO", L::kSeries, "se.series_description"},
      {{0x0018, 0x0015}, "BodyPartExamined", "CS", L::kSeries, "se.body_part_examined"},
      {{0x0008, 0x0021}, "SeriesDate", "DA", L::kSeries, "se.series_date"},
      {{0x0008, 0x0031}, "SeriesTime", "TM", L::kSeries, "se.series_time"},
      {{0x0008, 0x0070}, "Manufacturer", "LO", L::kSeries, "se.manufacturer"},
      {{0x0008, 0x0080}, "InstitutionName", "LO", L::kSeries, "se.institution_name"},
      {{0x0008, 0x1010}, "StationName", "SH", L::kSeries, "se.station_name"},
      {{0x0020, 0x1209}, "NumberOfSeriesRelatedInstances", "IS", L::kSeries, nullptr,
       C::kSeriesInstances, false, false},
      // Image (instance) level.
      {{0x0008, 0x0018}, "SOPInstanceUID", "UI", L::kImage, "i.sop_instance_uid", C::kNone,
       true},
      {{0x0008, 0x0016}, "SOPClassUID", "UI", L::kImage, "i.sop_class_uid"},
      {{0x0020, 0x0013}, "InstanceNumber", "IS", L::kImage, "i.instance_number"},
      {{0x0028, 0x0010}, "Rows", "US", L::kImage, "i.rows"},
      {{0x0028, 0x0011}, "Columns", "US", L::kImage, "i.columns"},
      {{0x0028, 0x0008}, "NumberOfFrames", "IS", L::kImage, "i.number_of_frames"},
      {{0x0008, 0x0023}, "ContentDate", "DA", L::kImage, "i.content_date"},
      {{0x0008, 0x0033}, "ContentTime", "TM", L::kImage, "i.content_time"},
  };
}

}  // namespace

const std::vector<AttributeInfo>& AllAttributes() {
  static const std::vector<AttributeInfo> catalog = MakeCatalog();
  return catalog;
}

const AttributeInfo* FindAttribute(Tag tag) {
  for (const auto& info : AllAttributes()) {
    if (info.tag == tag) return &info;
  }
  return nullptr;
}

const AttributeInfo* FindAttributeByKeyword(std::string_view keyword) {
  for (const auto& info : AllAttributes()) {
    if (keyword == info.keyword) return &info;
  }
  return nullptr;
}

QueryLevel LevelInModel(const AttributeInfo& info, InformationModel model) {
  if (model == InformationModel::kStudyRoot && info.level == QueryLevel::kPatient) {
    return QueryLevel::kStudy;
  }
  return info.level;
}

QueryLevel TopLevel(InformationModel model) {
  return model == InformationModel::kPatientRoot ? QueryLevel::kPatient : QueryLevel::kStudy;
}

Tag UniqueKeyOf(QueryLevel level) {
  switch (level) {
    case QueryLevel::kPatient: return kPatientId;
    case QueryLevel::kStudy: return kStudyInstanceUid;
    case QueryLevel::kSeries: return kSeriesInstanceUid;
    case QueryLevel::kImage: return kSopInstanceUid;
  }
  return {};
}

}  // namespace pixeldex::query
