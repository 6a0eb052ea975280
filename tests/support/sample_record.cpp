#include "tests/support/sample_record.h"

namespace pixeldex::testing {

InstanceRecord SampleRecord(const std::string& sop, const std::string& series,
                            const std::string& study, const std::string& patient) {
  InstanceRecord r;
  r.patient.patient_id = patient;
  r.patient.patient_name = "Doe^John";
  r.study.study_instance_uid = study;
  r.study.study_date = "20260101";
  r.series.series_instance_uid = series;
  r.series.modality = "CT";
  r.series.series_number = 3;
  r.instance.sop_instance_uid = sop;
  r.instance.sop_class_uid = "1.2.840.10008.5.1.4.1.1.2";
  r.instance.transfer_syntax_uid = "1.2.840.10008.1.2.1";
  r.instance.rows = 512;
  r.header_json = R"({"00080018":{"vr":"UI","Value":[")" + sop + R"("]}})";
  r.file.relative_path = study + "/" + series + "/" + sop + ".dcm";
  r.file.size_bytes = 1000;
  r.file.sha256 = std::string(64, 'a');
  r.file.received_at = "2026-11-25T10:00:00.000Z";
  r.provenance.source = ProvenanceSource::kNetwork;
  r.provenance.calling_aet = "MODALITY";
  r.thumbnail = ThumbnailRecord{ThumbnailStatus::kOk, {}, 2, 1, "PNGBYTES"};
  return r;
}

}  // namespace pixeldex::testing
