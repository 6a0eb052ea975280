#include "catalog/metadata/metadata_extractor.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <charconv>
#include <optional>

#include "catalog/metadata/dataset_text.h"
#include "catalog/metadata/dicom_json.h"
#include "catalog/metadata/unknown_vr.h"

namespace pixeldex::metadata {
namespace {

std::string GetString(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  // The whole (possibly multi-valued) value, without trailing padding.
  if (item.findAndGetOFStringArray(tag, value).bad()) return {};
  return std::string(value.c_str(), value.length());
}

// IS values are text; a malformed one yields no value rather than an error.
std::optional<int64_t> GetInteger(DcmItem& item, const DcmTagKey& tag) {
  std::string text = GetString(item, tag);
  const size_t begin = text.find_first_not_of(' ');
  if (begin == std::string::npos) return std::nullopt;
  const char* first = text.data() + begin;
  const char* last = text.data() + text.size();
  if (*first == '+') ++first;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr == first) return std::nullopt;
  return value;
}

// US values (Rows, Columns) are binary.
std::optional<int64_t> GetUnsigned16(DcmItem& item, const DcmTagKey& tag) {
  Uint16 value = 0;
  if (item.findAndGetUint16(tag, value).bad()) return std::nullopt;
  return value;
}

}  // namespace

Result<ExtractedMetadata> ExtractMetadata(DcmFileFormat& file) {
  DcmDataset& ds = *file.getDataset();
  ExtractedMetadata out;
  for (const DcmTagKey& tag : ReadUnknownVrWithDictionaryVr(ds, ds.getOriginalXfer())) {
    if (tag == DCM_SOPClassUID || tag == DCM_SOPInstanceUID) out.identity_encoded_as_un = true;
  }
  const TextDecodingReport text = DecodeTextToUtf8(ds);
  out.instance.specific_character_set = text.declared_character_set;
  out.warning = text.Describe();

  PatientKeys& p = out.patient;
  p.patient_id = GetString(ds, DCM_PatientID);
  p.issuer_of_patient_id = GetString(ds, DCM_IssuerOfPatientID);
  p.patient_name = GetString(ds, DCM_PatientName);
  p.birth_date = GetString(ds, DCM_PatientBirthDate);
  p.sex = GetString(ds, DCM_PatientSex);

  StudyKeys& st = out.study;
  st.study_instance_uid = GetString(ds, DCM_StudyInstanceUID);
  st.study_date = GetString(ds, DCM_StudyDate);
  st.study_time = GetString(ds, DCM_StudyTime);
  st.accession_number = GetString(ds, DCM_AccessionNumber);
  st.study_id = GetString(ds, DCM_StudyID);
  st.study_description = GetString(ds, DCM_StudyDescription);
  st.referring_physician_name = GetString(ds, DCM_ReferringPhysicianName);

  SeriesKeys& se = out.series;
  se.series_instance_uid = GetString(ds, DCM_SeriesInstanceUID);
  se.modality = GetString(ds, DCM_Modality);
  se.series_number = GetInteger(ds, DCM_SeriesNumber);
  se.series_description = GetString(ds, DCM_SeriesDescription);
  se.body_part_examined = GetString(ds, DCM_BodyPartExamined);
  se.series_date = GetString(ds, DCM_SeriesDate);
  se.series_time = GetString(ds, DCM_SeriesTime);
  se.manufacturer = GetString(ds, DCM_Manufacturer);
  se.institution_name = GetString(ds, DCM_InstitutionName);
  se.station_name = GetString(ds, DCM_StationName);

  InstanceKeys& in = out.instance;
  in.sop_instance_uid = GetString(ds, DCM_SOPInstanceUID);
  in.sop_class_uid = GetString(ds, DCM_SOPClassUID);
  in.instance_number = GetInteger(ds, DCM_InstanceNumber);
  in.rows = GetUnsigned16(ds, DCM_Rows);
  in.columns = GetUnsigned16(ds, DCM_Columns);
  in.number_of_frames = GetInteger(ds, DCM_NumberOfFrames);
  in.content_date = GetString(ds, DCM_ContentDate);
  in.content_time = GetString(ds, DCM_ContentTime);
  in.transfer_syntax_uid = GetString(*file.getMetaInfo(), DCM_TransferSyntaxUID);
  if (in.transfer_syntax_uid.empty()) {
    in.transfer_syntax_uid = DcmXfer(ds.getOriginalXfer()).getXferID();
  }

  auto json = ToDicomJson(ds);
  if (!json.ok()) return json.status();
  out.header_json = std::move(json).value();
  return out;
}

}  // namespace pixeldex::metadata
