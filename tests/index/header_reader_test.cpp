// The stored DICOM JSON headers of a WADO-RS scope (PS3.18 10.4.1.1.2):
// counted and sized in bytes before an answer is built, then read in series
// and instance order, each exactly as stored.

#include "catalog/index/header_reader.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "catalog/index/index_writer.h"
#include "tests/support/sample_record.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::index {
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

class HeaderReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = IndexWriter::Open(path_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (const auto& record : {Record("1.2.2", "1.1", kNamedHeader), Record("1.2.2", "1.2", "{}"),
                               Record("1.2.3", "1.3", "{\"x\":1}")}) {
      auto written = (*writer)->Write(record);
      ASSERT_TRUE(written.ok()) << written.status().ToString();
    }
    auto db = Db::Open(path_, Db::Mode::kReadOnly);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_.emplace(std::move(db).value());
  }

  pixeldex::testing::TempDir dir_;
  std::string path_ = dir_ / "index.db";
  std::optional<Db> db_;
};

TEST_F(HeaderReaderTest, SizesAScopeInBytesOfItsStoredTexts) {
  auto study = SizeOfHeaders(*db_, {"1.2.1", "", ""});
  ASSERT_TRUE(study.ok()) << study.status().ToString();
  EXPECT_EQ(study->count, 3u);
  EXPECT_EQ(study->bytes, kNamedHeader.size() + 2 + 7);
  auto series = SizeOfHeaders(*db_, {"1.2.1", "1.2.2", ""});
  ASSERT_TRUE(series.ok());
  EXPECT_EQ(series->count, 2u);
  EXPECT_EQ(series->bytes, kNamedHeader.size() + 2);
  auto none = SizeOfHeaders(*db_, {"1.2.9", "", ""});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->count, 0u);
  EXPECT_EQ(none->bytes, 0u);
}

TEST_F(HeaderReaderTest, GivesEachHeaderAsStoredInSeriesAndInstanceOrder) {
  std::vector<std::string> seen;
  auto count = ForEachHeader(*db_, {"1.2.1", "", ""}, [&](const StoredHeader& header) {
    seen.push_back(std::string(header.series_uid) + " " + std::string(header.sop_instance_uid) +
                   " " + std::string(header.json));
  });
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, 3u);
  EXPECT_EQ(seen, (std::vector<std::string>{"1.2.2 1.1 " + kNamedHeader, "1.2.2 1.2 {}",
                                            "1.2.3 1.3 {\"x\":1}"}));
}

}  // namespace
}  // namespace pixeldex::index
