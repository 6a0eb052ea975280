#include "tests/sql/sql_fixture.h"

#include <stdexcept>
#include <vector>

#include "catalog/index/index_writer.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::sqltest {
namespace {

struct Spec {
  std::string patient_id, patient_name, study_uid, study_date, study_description;
  std::string series_uid, modality, body_part;
  int64_t series_number;
  std::string sop_uid;
  int64_t size_bytes;
  std::string received_at;
  std::string extra_json;  // more top-level attributes, ",\"GGGGEEEE\":{...}" each
};

// The header as the metadata extractor writes it (PS3.18 F.2): upper-case
// tag keys, DS/IS as numbers, PN as {"Alphabetic": ...}.
std::string Header(const Spec& s) {
  auto text = [](const char* tag, const char* vr, const std::string& value) {
    return std::string(",\"") + tag + "\":{\"vr\":\"" + vr + "\",\"Value\":[\"" + value + "\"]}";
  };
  std::string json = "{\"00080016\":{\"vr\":\"UI\",\"Value\":[\"1.2.840.10008.5.1.4.1.1.2\"]}";
  json += text("00080018", "UI", s.sop_uid);
  json += text("00080060", "CS", s.modality);
  json += ",\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"" + s.patient_name + "\"}]}";
  json += text("00100020", "LO", s.patient_id);
  if (!s.body_part.empty()) json += text("00180015", "CS", s.body_part);
  json += text("0020000D", "UI", s.study_uid);
  json += text("0020000E", "UI", s.series_uid);
  json += ",\"00200011\":{\"vr\":\"IS\",\"Value\":[" + std::to_string(s.series_number) + "]}";
  json += s.extra_json;
  json += ",\"7FE00010\":{\"vr\":\"OW\",\"BulkDataURI\":\"bulkdata/7FE00010\"}}";
  return json;
}

InstanceRecord ToRecord(const Spec& s) {
  InstanceRecord r;
  r.patient.patient_id = s.patient_id;
  r.patient.patient_name = s.patient_name;
  r.patient.sex = s.patient_id == "P1" ? "M" : "F";
  r.study.study_instance_uid = s.study_uid;
  r.study.study_date = s.study_date;
  r.study.study_description = s.study_description;
  r.study.accession_number = "ACC-" + s.study_uid;
  r.series.series_instance_uid = s.series_uid;
  r.series.modality = s.modality;
  r.series.series_number = s.series_number;
  r.series.body_part_examined = s.body_part;
  r.series.manufacturer = "ACME";
  r.instance.sop_instance_uid = s.sop_uid;
  r.instance.sop_class_uid = "1.2.840.10008.5.1.4.1.1.2";
  r.instance.transfer_syntax_uid = "1.2.840.10008.1.2.1";
  r.instance.instance_number = s.sop_uid.back() - '0';
  r.instance.rows = 512;
  r.instance.columns = 512;
  r.header_json = Header(s);
  r.file.relative_path = s.study_uid + "/" + s.series_uid + "/" + s.sop_uid + ".dcm";
  r.file.size_bytes = s.size_bytes;
  r.file.sha256 = std::string(64, 'a');
  r.file.received_at = s.received_at;
  r.provenance.source = s.patient_id == "P1" ? ProvenanceSource::kNetwork : ProvenanceSource::kImport;
  if (s.patient_id == "P1") {
    r.provenance.calling_aet = "CT_SCANNER";
    r.provenance.called_aet = "PIXELDEX";
    r.provenance.peer_address = "10.0.0.5:40000";
  }
  return r;
}

const char* kThick0625 = ",\"00180050\":{\"vr\":\"DS\",\"Value\":[0.625]}";

std::vector<Spec> Specs() {
  return {
      {"P1", "Müller^Jürgen", "1.1", "20240105", "CT Chest Abdomen", "1.1.1", "CT", "CHEST", 1,
       "1.1.1.1", 1000, "2024-01-05T10:00:00.000Z",
       std::string(kThick0625) +
           ",\"00200032\":{\"vr\":\"DS\",\"Value\":[-125.5,-130,1.25]}"
           ",\"00081032\":{\"vr\":\"SQ\",\"Value\":[{\"00080100\":{\"vr\":\"SH\",\"Value\":[\"ZZ1\"]}},"
           "{\"00080100\":{\"vr\":\"SH\",\"Value\":[\"ZZ2\"]}}]}"},
      {"P1", "Müller^Jürgen", "1.1", "20240105", "CT Chest Abdomen", "1.1.1", "CT", "CHEST", 1,
       "1.1.1.2", 1500, "2024-01-05T10:00:01.000Z", kThick0625},
      {"P1", "Müller^Jürgen", "1.1", "20240105", "CT Chest Abdomen", "1.1.2", "CT", "ABDOMEN", 2,
       "1.1.2.1", 2000, "2024-01-05T10:00:02.000Z",
       ",\"00180050\":{\"vr\":\"DS\",\"Value\":[5]}"
       ",\"00080090\":{\"vr\":\"PN\",\"Value\":[{\"Ideographic\":\"山田^太郎\"}]}"},
      {"P1", "Müller^Jürgen", "1.1", "20240105", "CT Chest Abdomen", "1.1.3", "PR", "", 3,
       "1.1.3.1", 100, "2024-01-05T10:05:00.000Z",
       ",\"00081030\":{\"vr\":\"LO\"}"
       ",\"00283010\":{\"vr\":\"SQ\",\"Value\":[]}"},
      // Numeric strings, as some writers produce them: DS "3", IS " 7".
      {"P2", "Doe^Jane", "2.1", "20240210", "MR Head", "2.1.1", "MR", "HEAD", 1, "2.1.1.1", 3000,
       "2024-02-10T08:00:00.000Z",
       ",\"00180050\":{\"vr\":\"DS\",\"Value\":[\"3\"]}"
       ",\"00200013\":{\"vr\":\"IS\",\"Value\":[\" 7\"]}"
       ",\"00291010\":{\"vr\":\"OB\",\"InlineBinary\":\"AAEC\"}"},
      // Repeating-group (overlay) tags: even group 6002 is named, odd 6001 private.
      {"P2", "Doe^Jane", "2.2", "20240301", "CT Head", "2.2.1", "CT", "HEAD", 1, "2.2.1.1", 500,
       "2024-03-01T09:00:00.000Z",
       ",\"00180050\":{\"vr\":\"DS\",\"Value\":[0.5]}"
       ",\"60010010\":{\"vr\":\"LO\",\"Value\":[\"VENDOR\"]}"
       ",\"60020010\":{\"vr\":\"US\",\"Value\":[512]}"},
  };
}

}  // namespace

void BuildSqlFixture(const std::string& path) {
  auto writer = index::IndexWriter::Open(path);
  if (!writer.ok()) throw std::runtime_error(writer.status().ToString());
  for (const Spec& spec : Specs()) {
    InstanceRecord record = ToRecord(spec);
    if (spec.sop_uid == "1.1.1.1") record.thumbnail = ThumbnailRecord{ThumbnailStatus::kOk, {}, 2, 1, "\x89PNG\r\n\x1a\n"};
    if (spec.sop_uid == "2.1.1.1") record.thumbnail = ThumbnailRecord{ThumbnailStatus::kNoPixelData, {}, 0, 0, ""};
    auto written = (*writer)->Write(record);
    if (!written.ok()) throw std::runtime_error(written.status().ToString());
  }
  writer->reset();

  // The server's logs, as it will write them.
  auto db = index::Db::Open(path, index::Db::Mode::kReadWrite);
  if (!db.ok()) throw std::runtime_error(db.status().ToString());
  const Status s = db->Exec(R"sql(
    INSERT INTO associations (calling_aet, called_aet, peer_address, started_at, ended_at,
                              accepted_contexts, rejected_contexts, instances, bytes, outcome)
    VALUES ('CT_SCANNER', 'PIXELDEX', '10.0.0.5:40000', '2024-01-05T09:59:59.000Z',
            '2024-01-05T10:05:01.000Z', 3, 1, 4, 4600, 'released'),
           ('WORKSTATION', 'PIXELDEX', '10.0.0.9:51000', '2024-01-06T12:00:00.000Z',
            '2024-01-06T12:00:30.000Z', 1, 0, 0, 0, 'aborted'),
           ('CT_SCANNER', 'PIXELDEX', '10.0.0.5:40002', '2024-03-01T08:59:00.000Z',
            NULL, 2, 0, 0, 0, NULL);
    INSERT INTO events (at, kind, sop_instance_uid, calling_aet, status_code, detail)
    VALUES ('2024-01-06T12:00:10.000Z', 'store_failed', '9.9.9.1', 'WORKSTATION', 42752,
            'disk full: No space left on device'),
           ('2024-01-06T12:00:20.000Z', 'store_failed', '9.9.9.2', 'WORKSTATION', 43264,
            'SOP Instance UID does not match the request'),
           ('2024-01-05T10:00:01.500Z', 'duplicate_replaced', '1.1.1.2', 'CT_SCANNER', 0,
            'replaced 1.1/1.1.1/1.1.1.2.dcm'),
           ('2024-03-01T09:00:00.500Z', 'thumbnail_failed', '2.2.1.1', NULL, NULL,
            'decode_error: truncated frame');
  )sql");
  if (!s.ok()) throw std::runtime_error(s.ToString());
}

}  // namespace pixeldex::sqltest
