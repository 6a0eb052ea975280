// The WADO-RS reads of a scope through the SQLite IndexReader (the
// PostgreSQL one is compared with it end to end in
// tests/postgres/pg_wado_e2e_test.cpp): the stored DICOM JSON headers
// (PS3.18 10.4.1.1.2) counted and sized in bytes before an answer is built,
// then read in series and instance order, each exactly as stored; the
// stored files listed in the same order.

#include "catalog/query/instance_reads.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "catalog/index/index_writer.h"
#include "catalog/index/sqlite_db.h"
#include "tests/support/sample_record.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::query {
namespace {

// Two-byte UTF-8 characters: sizes are in bytes, not characters.
const std::string kNamedHeader =
    "{\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"M\xC3\xBCller\"}]}}";

// The sample record of `sop` in `series`, with `header` as its stored JSON.
InstanceRecord Record(const std::string& series, const std::string& sop, std::string header) {
  InstanceRecord r = pixeldex::testing::SampleRecord(sop, series);
  r.header_json = std::move(header);
  return r;
}

class InstanceReadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = index::IndexWriter::Open(path_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (const auto& record : {Record("1.2.2", "1.1", kNamedHeader), Record("1.2.2", "1.2", "{}"),
                               Record("1.2.3", "1.3", "{\"x\":1}")}) {
      auto written = (*writer)->Write(record);
      ASSERT_TRUE(written.ok()) << written.status().ToString();
    }
    auto db = index::Db::Open(path_, index::Db::Mode::kReadOnly);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_.emplace(std::move(db).value());
    reader_.emplace(*db_);
  }

  pixeldex::testing::TempDir dir_;
  std::string path_ = dir_ / "index.db";
  std::optional<index::Db> db_;
  std::optional<SqliteIndexReader> reader_;
};

TEST_F(InstanceReadsTest, SizesAScopeInBytesOfItsStoredTexts) {
  auto study = SizeOfHeaders(*reader_, {"1.2.1", "", ""});
  ASSERT_TRUE(study.ok()) << study.status().ToString();
  EXPECT_EQ(study->count, 3u);
  EXPECT_EQ(study->bytes, kNamedHeader.size() + 2 + 7);
  auto series = SizeOfHeaders(*reader_, {"1.2.1", "1.2.2", ""});
  ASSERT_TRUE(series.ok());
  EXPECT_EQ(series->count, 2u);
  EXPECT_EQ(series->bytes, kNamedHeader.size() + 2);
  auto none = SizeOfHeaders(*reader_, {"1.2.9", "", ""});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->count, 0u);
  EXPECT_EQ(none->bytes, 0u);
}

TEST_F(InstanceReadsTest, GivesEachHeaderAsStoredInSeriesAndInstanceOrder) {
  std::vector<std::string> seen;
  auto count = ForEachHeader(*reader_, {"1.2.1", "", ""}, [&](const StoredHeader& header) {
    seen.push_back(std::string(header.series_uid) + " " + std::string(header.sop_instance_uid) +
                   " " + std::string(header.json));
  });
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, 3u);
  EXPECT_EQ(seen, (std::vector<std::string>{"1.2.2 1.1 " + kNamedHeader, "1.2.2 1.2 {}",
                                            "1.2.3 1.3 {\"x\":1}"}));
}

TEST_F(InstanceReadsTest, ListsTheStoredFilesInSeriesAndInstanceOrder) {
  auto files = ListStoredFiles(*reader_, {"1.2.1", "", ""});
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  std::vector<std::string> seen;
  for (const StoredFile& file : *files) {
    seen.push_back(file.series_uid + " " + file.sop_instance_uid);
    EXPECT_FALSE(file.path.empty());
    EXPECT_GT(file.size_bytes, 0u);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"1.2.2 1.1", "1.2.2 1.2", "1.2.3 1.3"}));
  auto one = ListStoredFiles(*reader_, {"1.2.1", "1.2.3", "1.3"});
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->front().sop_instance_uid, "1.3");
  auto none = ListStoredFiles(*reader_, {"1.2.1", "1.2.2", "1.3"});  // not of that series
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace pixeldex::query
