// Schema migrations: an index written by schema version 1 (a checked-in
// `sqlite3 .dump`, tests/index/fixtures/schema_v1.sql) is upgraded in place
// by IndexWriter::Open, keeps every row, gains the v2 tables and views, the
// v3 study counts, v4's patient identity (studies joined under an empty
// Patient ID split), v5's '\\'-separated Modalities in Study, v6's
// patient attributes of each study, v8's Timezone Offset From UTC and v9's
// copy of each study's patient identity.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "catalog/index/index_writer.h"
#include "catalog/index/schema.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/index_probe.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::index {
namespace {

using pixeldex::testing::IndexProbe;
using pixeldex::testing::Row;

// A CT instance as `pixeldex import` would record it.
InstanceRecord Record(const std::string& patient_id, const std::string& patient_name,
                      const std::string& study_uid, const std::string& series_uid,
                      const std::string& sop_instance_uid, const std::string& path) {
  InstanceRecord record;
  record.patient.patient_id = patient_id;
  record.patient.patient_name = patient_name;
  record.study.study_instance_uid = study_uid;
  record.series.series_instance_uid = series_uid;
  record.instance.sop_instance_uid = sop_instance_uid;
  record.instance.sop_class_uid = "1.2.840.10008.5.1.4.1.1.2";
  record.instance.transfer_syntax_uid = "1.2.840.10008.1.2.1";
  record.file = {path, 1, "00", "2026-12-05T07:00:00.000Z", ""};
  record.provenance.source = ProvenanceSource::kImport;
  return record;
}

class MigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dump = pixeldex::testing::ReadFileBytes(
        std::string(PIXELDEX_SOURCE_DIR) + "/tests/index/fixtures/schema_v1.sql");
    ExecSql(dump);
    ASSERT_EQ(probe_.Scalar("PRAGMA user_version"), "1");
    v1_instances_ = probe_.Rows("SELECT * FROM instances ORDER BY instance_pk");
    v1_headers_ = probe_.Rows("SELECT * FROM headers ORDER BY instance_pk");
    v1_details_ = probe_.Rows("SELECT * FROM instance_details ORDER BY instance_pk");
  }

  // Runs `sql` on the index file with a connection of its own.
  void ExecSql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  void Migrate() {
    auto writer = IndexWriter::Open(path_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  }

  // Upgrades the fixture to `version` only: the index an older pixeldex left.
  void MigrateTo(int version) {
    auto db = Db::Open(path_, Db::Mode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    const Status s = PrepareForWriting(*db, version);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(probe_.Scalar("PRAGMA user_version"), std::to_string(version));
  }

  pixeldex::testing::TempDir dir_;
  std::string path_ = dir_ / "index.db";
  IndexProbe probe_{path_};
  std::vector<Row> v1_instances_, v1_headers_, v1_details_;
};

TEST_F(MigrationTest, TheFixtureIsAVersion1Index) {
  EXPECT_EQ(v1_instances_.size(), 3u);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM sqlite_master WHERE name IN "
                         "('study_summary', 'tags', 'events', 'dicom_dictionary')"),
            0);
}

TEST_F(MigrationTest, OpeningAVersion1IndexUpgradesItInPlace) {
  Migrate();
  EXPECT_EQ(probe_.Scalar("PRAGMA user_version"), std::to_string(CurrentSchemaVersion()));
  EXPECT_EQ(CurrentSchemaVersion(), 9);
  EXPECT_EQ(probe_.Rows("SELECT * FROM instances ORDER BY instance_pk"), v1_instances_);
  EXPECT_EQ(probe_.Rows("SELECT * FROM headers ORDER BY instance_pk"), v1_headers_);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM thumbnails WHERE status = 'ok'"), 3);
  EXPECT_EQ(probe_.Scalar("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

TEST_F(MigrationTest, InstanceDetailsKeepsItsVersion1ColumnsFirst) {
  Migrate();
  const size_t v1_columns = v1_details_.front().size();
  auto details = probe_.Rows("SELECT * FROM instance_details ORDER BY instance_pk");
  ASSERT_EQ(details.size(), v1_details_.size());
  for (size_t r = 0; r < details.size(); ++r) {
    ASSERT_GT(details[r].size(), v1_columns);
    EXPECT_EQ(Row(details[r].begin(), details[r].begin() + v1_columns), v1_details_[r]);
  }
  EXPECT_EQ(probe_.Rows("SELECT calling_aet, called_aet FROM instance_details ORDER BY instance_pk"),
            (std::vector<Row>{{"MODALITY1", "PIXELDEX"}, {"MODALITY1", "PIXELDEX"},
                              {"MODALITY2", "ANY-SCP"}}));
}

TEST_F(MigrationTest, TheNewViewsWorkOnMigratedRows) {
  Migrate();
  EXPECT_EQ(probe_.Rows("SELECT patient_id, patient_name, modalities, series_count, "
                        "instance_count FROM study_summary ORDER BY patient_id"),
            (std::vector<Row>{{"PAT-1", "Müller^Jürgen", "CT", "1", "2"},
                              {"PAT-2", "Doe^Jane", "MR", "1", "1"}}));
  EXPECT_EQ(probe_.Rows("SELECT modality, body_part_examined, instance_count FROM series_summary "
                        "ORDER BY modality"),
            (std::vector<Row>{{"CT", "CHEST", "2", }, {"MR", "HEAD", "1"}}));
  EXPECT_EQ(probe_.Rows("SELECT sop_instance_uid, value FROM tags WHERE keyword = "
                        "'SliceThickness' AND value < 1 ORDER BY 1"),
            (std::vector<Row>{{"1.2.826.0.1.3680043.10.9.3.1", "0.625"},
                              {"1.2.826.0.1.3680043.10.9.3.2", "0.625"}}));
  EXPECT_EQ(probe_.Rows("SELECT DISTINCT value FROM tags WHERE keyword = 'PatientName' ORDER BY 1"),
            (std::vector<Row>{{"Doe^Jane"}, {"Müller^Jürgen"}}));
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM thumbnail_images WHERE length(png) > 8"), 3);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM events"), 0);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM associations"), 0);
}

TEST_F(MigrationTest, StudiesOfAVersion1IndexGetTheirCounts) {
  Migrate();
  EXPECT_EQ(probe_.Rows("SELECT p.patient_id, number_of_series, number_of_instances, "
                        "modalities_in_study FROM studies JOIN patients p USING (patient_pk) "
                        "ORDER BY 1"),
            (std::vector<Row>{{"PAT-1", "1", "2", "CT"}, {"PAT-2", "1", "1", "MR"}}));
}

// Versions 3 and 4 wrote modalities_in_study ','-separated in no particular
// order; version 5 writes what DICOM's Modalities in Study is, sorted and
// '\\'-separated (PS3.5 6.4), and rewrites the studies already there.
TEST_F(MigrationTest, ModalitiesInStudyBecomeBackslashSeparated) {
  // A second study series, in the version 1 file, with a modality sorting first.
  ExecSql("INSERT INTO series VALUES(3,1,'1.2.826.0.1.3680043.10.9.2.3','SR',3,NULL,NULL,NULL,"
          "NULL,NULL,NULL,NULL,'2026-11-25T10:55:17.000Z');"
          "INSERT INTO series VALUES(4,1,'1.2.826.0.1.3680043.10.9.2.4','AU',4,NULL,NULL,NULL,"
          "NULL,NULL,NULL,NULL,'2026-11-25T10:55:17.000Z');");
  // A version 4 file holds ','-separated values: upgraded, they are rewritten.
  MigrateTo(4);
  ExecSql("UPDATE studies SET modalities_in_study = 'SR,CT,AU';");
  Migrate();
  const std::string modalities =
      "SELECT modalities_in_study FROM studies JOIN patients USING (patient_pk) "
      "WHERE patients.patient_id = 'PAT-1'";
  EXPECT_EQ(probe_.Scalar("PRAGMA user_version"), std::to_string(CurrentSchemaVersion()));
  EXPECT_EQ(probe_.Scalar(modalities), "AU\\CT\\SR");
  EXPECT_EQ(probe_.Scalar(modalities), probe_.Scalar("SELECT modalities FROM study_summary "
                                                     "WHERE patient_id = 'PAT-1'"));
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM studies WHERE modalities_in_study LIKE '%,%'"), 0);

  // The recreated triggers keep the new form.
  ExecSql("UPDATE series SET modality = 'MR' WHERE series_pk = 3;");
  EXPECT_EQ(probe_.Scalar(modalities), "AU\\CT\\MR");
}

// Before version 4 every study with an empty Patient ID shared one patient
// row (the first one's name). Upgraded, each study has a patient of its own
// with what its own header says (PS3.3 C.7.1.1; patient_identity.h).
TEST_F(MigrationTest, StudiesMergedUnderAnEmptyPatientIdAreSplit) {
  ASSERT_EQ(probe_.Count("SELECT count(*) FROM patients"), 2);
  ExecSql("UPDATE headers SET json = json_set(json, '$.\"00100020\"', json('{\"vr\":\"LO\"}'));"
          "UPDATE studies SET patient_pk = 1;"
          "DELETE FROM patients WHERE patient_pk = 2;"
          "UPDATE patients SET patient_id = '' WHERE patient_pk = 1;");
  ASSERT_EQ(probe_.Count("SELECT count(DISTINCT patient_name) FROM instance_details"), 1);
  Migrate();
  EXPECT_EQ(probe_.Rows("SELECT s.study_instance_uid, p.patient_id, p.patient_name, "
                        "p.patient_sex FROM study_summary s JOIN patients p USING (patient_pk) "
                        "ORDER BY 1"),
            (std::vector<Row>{{"1.2.826.0.1.3680043.10.9.1.1", "", "Müller^Jürgen", "O"},
                              {"1.2.826.0.1.3680043.10.9.1.2", "", "Doe^Jane", "O"}}));
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM patients"), 2);
  EXPECT_EQ(probe_.Count("SELECT count(DISTINCT patient_pk) FROM instance_details"), 2);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
  EXPECT_EQ(probe_.Scalar("PRAGMA integrity_check"), "ok");
  // The rule holds for what is written next: one more study without a
  // Patient ID is a third patient; a second instance of a study joins its own.
  auto writer = IndexWriter::Open(path_);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  InstanceRecord record = Record("", "Roe^Richard", "1.2.826.0.1.3680043.10.9.1.3",
                                  "1.2.826.0.1.3680043.10.9.2.3", "1.2.826.0.1.3680043.10.9.3.4",
                                  "a.dcm");
  ASSERT_TRUE((*writer)->Write(record).ok());
  record.instance.sop_instance_uid = "1.2.826.0.1.3680043.10.9.3.5";
  record.file.relative_path = "b.dcm";
  ASSERT_TRUE((*writer)->Write(record).ok());
  EXPECT_EQ(probe_.Rows("SELECT patient_name, count(*) FROM instance_details "
                        "GROUP BY patient_pk ORDER BY 1"),
            (std::vector<Row>{{"Doe^Jane", "1"}, {"Müller^Jürgen", "2"}, {"Roe^Richard", "2"}}));
}

// Up to version 5 a study's patient attributes were its patient's: studies
// sharing a Patient ID (an anonymized corpus) all showed one name. Version 6
// gives each study the values its own headers carry, the most recent
// instance's where they differ (as the writer keeps them).
TEST_F(MigrationTest, StudiesSharingAPatientIdGetTheirOwnPatientAttributes) {
  MigrateTo(5);
  ExecSql("UPDATE studies SET patient_pk = 1; DELETE FROM patients WHERE patient_pk = 2;"
          // Study 2's files: another birth date and sex.
          "UPDATE headers SET json = json_set(json, '$.\"00100030\".Value[0]', '19811111',"
          "  '$.\"00100040\".Value[0]', 'F')"
          " WHERE json_extract(json, '$.\"00100010\".Value[0].Alphabetic') = 'Doe^Jane';"
          // Study 1's newest instance: another spelling, and no sex.
          "UPDATE headers SET json = json_remove(json_set(json, "
          "  '$.\"00100010\".Value[0].Alphabetic', 'Mueller^Juergen'), '$.\"00100040\".Value')"
          " WHERE instance_pk = (SELECT max(i.instance_pk) FROM instances i JOIN series se"
          "   USING (series_pk) WHERE se.study_pk = 1);");
  ASSERT_EQ(probe_.Count("SELECT count(DISTINCT patient_name) FROM instance_details"), 1);
  Migrate();
  EXPECT_EQ(probe_.Rows("SELECT study_instance_uid, patient_id, patient_name FROM study_summary "
                        "ORDER BY 1"),
            (std::vector<Row>{{"1.2.826.0.1.3680043.10.9.1.1", "PAT-1", "Mueller^Juergen"},
                              {"1.2.826.0.1.3680043.10.9.1.2", "PAT-1", "Doe^Jane"}}));
  EXPECT_EQ(probe_.Rows("SELECT DISTINCT study_instance_uid, patient_name, patient_birth_date, "
                        "patient_sex FROM instance_details ORDER BY 1"),
            (std::vector<Row>{{"1.2.826.0.1.3680043.10.9.1.1", "Mueller^Juergen", "19700101", "O"},
                              {"1.2.826.0.1.3680043.10.9.1.2", "Doe^Jane", "19811111", "F"}}));
  // Still one patient: the Patient ID says so (PS3.3 C.7.1.1).
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM patients"), 1);
  EXPECT_EQ(probe_.Scalar("PRAGMA integrity_check"), "ok");
  // A new instance of study 2 with another name: the study's copy follows it.
  auto writer = IndexWriter::Open(path_);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  const InstanceRecord record =
      Record("PAT-1", "Doe^Janet", "1.2.826.0.1.3680043.10.9.1.2", "1.2.826.0.1.3680043.10.9.2.2",
             "1.2.826.0.1.3680043.10.9.3.9", "c.dcm");
  ASSERT_TRUE((*writer)->Write(record).ok());
  EXPECT_EQ(probe_.Rows("SELECT study_instance_uid, patient_name FROM study_summary ORDER BY 1"),
            (std::vector<Row>{{"1.2.826.0.1.3680043.10.9.1.1", "Mueller^Juergen"},
                              {"1.2.826.0.1.3680043.10.9.1.2", "Doe^Janet"}}));
}

// Version 8 gives each study the Timezone Offset From UTC (0008,0201) its
// headers carry, as the writer keeps it: the most recent instance's that has
// a value. A key that occurs only inside a sequence item is no value.
TEST_F(MigrationTest, StudiesGetTheTimezoneOffsetFromUtcOfTheirHeaders) {
  MigrateTo(7);
  // Study 1 (instances 1 and 3): a value, then a newer zero-length one.
  // Study 2 (instance 2): the key in a sequence item only.
  ExecSql(
      "UPDATE headers SET json = json_set(json, '$.\"00080201\"',"
      "  json('{\"vr\":\"SH\",\"Value\":[\"+0100\"]}')) WHERE instance_pk = 1;"
      "UPDATE headers SET json = json_set(json, '$.\"00080201\"', json('{\"vr\":\"SH\"}'))"
      " WHERE instance_pk = 3;"
      "UPDATE headers SET json = json_set(json, '$.\"00081032\"', json('{\"vr\":\"SQ\","
      "  \"Value\":[{\"00080201\":{\"vr\":\"SH\",\"Value\":[\"-0500\"]}}]}'))"
      " WHERE instance_pk = 2;");
  Migrate();
  EXPECT_EQ(probe_.Rows("SELECT study_pk, timezone_offset_from_utc FROM studies ORDER BY 1"),
            (std::vector<Row>{{"1", "+0100"}, {"2", "<null>"}}));
  // The writer keeps it from then on: a new instance of study 2 with one.
  auto writer = IndexWriter::Open(path_);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  InstanceRecord record =
      Record("PAT-2", "Doe^Jane", "1.2.826.0.1.3680043.10.9.1.2", "1.2.826.0.1.3680043.10.9.2.2",
             "1.2.826.0.1.3680043.10.9.3.9", "c.dcm");
  record.study.timezone_offset_from_utc = "+0900";
  ASSERT_TRUE((*writer)->Write(record).ok());
  EXPECT_EQ(probe_.Rows("SELECT study_pk, timezone_offset_from_utc FROM studies ORDER BY 1"),
            (std::vector<Row>{{"1", "+0100"}, {"2", "+0900"}}));
}

// Version 9 copies each study's patient identity (Patient ID and Issuer of
// Patient ID, patient_identity.h) from its patient row, which a study-level
// search then no longer reads.
TEST_F(MigrationTest, StudiesGetTheIdentityOfTheirPatient) {
  MigrateTo(8);
  // Patient 2 with an issuer; a third patient without a Patient ID, study
  // 1's (PS3.3 C.7.1.1: identified by nothing).
  ExecSql("UPDATE patients SET issuer_of_patient_id = 'HOSP' WHERE patient_pk = 2;"
          "INSERT INTO patients (patient_pk, patient_id, issuer_of_patient_id, updated_at)"
          "  VALUES (3, '', 'LAB', 't');"
          "UPDATE studies SET patient_pk = 3 WHERE study_pk = 1;");
  Migrate();
  EXPECT_EQ(probe_.Rows("SELECT study_pk, patient_id, issuer_of_patient_id FROM studies "
                        "ORDER BY 1"),
            (std::vector<Row>{{"1", "", "LAB"}, {"2", "PAT-2", "HOSP"}}));
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                         "AND name = 'studies_patient_id'"),
            1);
  // An index by date that covers a study's answer (schema.cpp).
  EXPECT_EQ(probe_.Scalar("SELECT name FROM pragma_index_info('studies_date_answer') "
                          "WHERE seqno = 0"),
            "study_date");
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM pragma_index_info('studies_date_answer') "
                         "WHERE name IN ('patient_id', 'number_of_instances')"),
            2);
  // The writer keeps it from then on: study 1 gets a Patient ID.
  auto writer = IndexWriter::Open(path_);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  const InstanceRecord record =
      Record("PAT-9", "Doe^Jane", "1.2.826.0.1.3680043.10.9.1.1", "1.2.826.0.1.3680043.10.9.2.1",
             "1.2.826.0.1.3680043.10.9.3.9", "c.dcm");
  ASSERT_TRUE((*writer)->Write(record).ok());
  EXPECT_EQ(probe_.Rows("SELECT study_pk, patient_id, issuer_of_patient_id FROM studies "
                        "ORDER BY 1"),
            (std::vector<Row>{{"1", "PAT-9", ""}, {"2", "PAT-2", "HOSP"}}));
}

TEST_F(MigrationTest, AMigratedIndexTakesNewWritesAndReopensWithoutMigrating) {
  Migrate();
  {
    auto writer = IndexWriter::Open(path_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE((*writer)->Remove("1.2.826.0.1.3680043.10.9.3.3").ok());
    ASSERT_TRUE((*writer)->Remove("1.2.826.0.1.3680043.10.9.3.2").ok());
  }
  EXPECT_EQ(probe_.Rows("SELECT number_of_series, number_of_instances FROM studies"),
            (std::vector<Row>{{"1", "1"}}));
  EXPECT_EQ(probe_.Scalar("PRAGMA user_version"), std::to_string(CurrentSchemaVersion()));
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM study_summary"), 1);
  EXPECT_GT(probe_.Count("SELECT count(*) FROM dicom_dictionary"), 4000);
}

}  // namespace
}  // namespace pixeldex::index
