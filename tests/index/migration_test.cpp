// Schema migrations: an index written by schema version 1 (a checked-in
// `sqlite3 .dump`, tests/index/fixtures/schema_v1.sql) is upgraded in place
// by IndexWriter::Open, keeps every row, and gains the v2 tables and views.

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

class MigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dump = pixeldex::testing::ReadFileBytes(
        std::string(PIXELDEX_SOURCE_DIR) + "/tests/index/fixtures/schema_v1.sql");
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, dump.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
    ASSERT_EQ(probe_.Scalar("PRAGMA user_version"), "1");
    v1_instances_ = probe_.Rows("SELECT * FROM instances ORDER BY instance_pk");
    v1_headers_ = probe_.Rows("SELECT * FROM headers ORDER BY instance_pk");
    v1_details_ = probe_.Rows("SELECT * FROM instance_details ORDER BY instance_pk");
  }

  void Migrate() {
    auto writer = IndexWriter::Open(path_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
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
  EXPECT_EQ(CurrentSchemaVersion(), 3);
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
