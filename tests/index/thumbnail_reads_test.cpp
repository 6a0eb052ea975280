// Thumbnail rows outside ingest: lookup by SOP Instance UID through the
// read seam, selection of instances to (re)render, and batched replacement
// through the index writer that never attaches a thumbnail to the wrong file.

#include "catalog/index/thumbnail_reads.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "catalog/index/index_writer.h"
#include "catalog/index/schema.h"
#include "catalog/query/instance_reads.h"
#include "tests/support/index_probe.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::index {
namespace {

using pixeldex::testing::IndexProbe;

// PNG-like bytes with an embedded NUL, to prove blobs round-trip verbatim.
const std::string kPng = std::string("\x89PNG\r\n\x1a\n\0tail", 13);

InstanceRecord Record(const std::string& sop, std::optional<ThumbnailRecord> thumbnail) {
  InstanceRecord r;
  r.patient.patient_id = "P1";
  r.study.study_instance_uid = "1.2.1";
  r.series.series_instance_uid = "1.2.2";
  r.instance.sop_instance_uid = sop;
  r.instance.sop_class_uid = "1.2.840.10008.5.1.4.1.1.2";
  r.instance.transfer_syntax_uid = "1.2.840.10008.1.2.1";
  r.header_json = "{}";
  r.file.relative_path = "1.2.1/1.2.2/" + sop + ".dcm";
  r.file.size_bytes = 10;
  r.file.sha256 = "sha-of-" + sop;
  r.file.received_at = "2026-11-25T10:00:00.000Z";
  r.provenance.source = ProvenanceSource::kNetwork;
  r.thumbnail = std::move(thumbnail);
  return r;
}

class ThumbnailStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = IndexWriter::Open(path_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    writer_ = std::move(writer).value();
    Add("1.1", ThumbnailRecord{ThumbnailStatus::kOk, {}, 4, 2, kPng});
    Add("1.2", std::nullopt);  // cataloged before thumbnails existed: no row
    Add("1.3", ThumbnailRecord{ThumbnailStatus::kDisabled, {}, 0, 0, {}});
    Add("1.4", ThumbnailRecord{ThumbnailStatus::kDecodeError, "truncated fragment", 0, 0, {}});
    Add("1.5", ThumbnailRecord{ThumbnailStatus::kNoPixelData, {}, 0, 0, {}});
  }

  void Add(const std::string& sop, std::optional<ThumbnailRecord> thumbnail) {
    auto written = writer_->Write(Record(sop, std::move(thumbnail)));
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    pk_[sop] = written->instance_pk;
  }

  Db Reader() {
    auto db = Db::Open(path_, Db::Mode::kReadOnly);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    EXPECT_TRUE(PrepareForReading(*db).ok());
    return std::move(db).value();
  }

  std::unique_ptr<ArchiveReads> Reads() {
    auto reads = OpenSqliteArchiveReads(path_);
    EXPECT_TRUE(reads.ok()) << reads.status().ToString();
    return reads.ok() ? std::move(reads).value() : nullptr;
  }

  std::vector<std::string> Listed(ThumbnailSelection selection, int64_t after = 0,
                                  int limit = 100) {
    auto targets = ListThumbnailTargets(*Reads(), selection, after, limit);
    EXPECT_TRUE(targets.ok()) << targets.status().ToString();
    std::vector<std::string> sops;
    if (targets.ok()) {
      for (const ThumbnailTarget& t : *targets) sops.push_back(t.sop_instance_uid);
    }
    return sops;
  }

  // An update of `sop`'s row, rendered from the file it was cataloged with.
  ThumbnailUpdate Update(const std::string& sop, ThumbnailRecord thumbnail) {
    return {pk_[sop], "sha-of-" + sop, std::move(thumbnail)};
  }

  pixeldex::testing::TempDir dir_;
  std::string path_ = dir_ / "index.db";
  std::unique_ptr<IndexWriter> writer_;
  std::map<std::string, int64_t> pk_;
  IndexProbe probe_{path_};
};

TEST_F(ThumbnailStoreTest, FindsTheStoredPngBytesVerbatimOnAReadOnlyConnection) {
  auto found = FindThumbnail(*Reads(), "1.1");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_TRUE(found->instance_found);
  ASSERT_TRUE(found->thumbnail.has_value());
  EXPECT_EQ(found->thumbnail->status, ThumbnailStatus::kOk);
  EXPECT_EQ(found->thumbnail->width, 4);
  EXPECT_EQ(found->thumbnail->height, 2);
  EXPECT_EQ(found->thumbnail->png, kPng);
}

TEST_F(ThumbnailStoreTest, ReportsTheRecordedReasonWhenThereIsNoPng) {
  auto found = FindThumbnail(*Reads(), "1.4");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->thumbnail.has_value());
  EXPECT_EQ(found->thumbnail->status, ThumbnailStatus::kDecodeError);
  EXPECT_EQ(found->thumbnail->reason, "truncated fragment");
  EXPECT_TRUE(found->thumbnail->png.empty());
}

TEST_F(ThumbnailStoreTest, ARepresentativeIsTheFirstRenderedInstanceByNumber) {
  Db db = Reader();
  query::SqliteIndexReader reader(db);
  // Without instance numbers, arrival order: 1.1 is the only rendered one.
  auto series = query::FindRepresentativeThumbnail(reader, "1.2.1", "1.2.2", "");
  ASSERT_TRUE(series.ok()) << series.status().ToString();
  EXPECT_EQ(*series, kPng);
  // A numbered instance comes before unnumbered ones, whenever it arrived.
  InstanceRecord numbered =
      Record("1.6", ThumbnailRecord{ThumbnailStatus::kOk, {}, 1, 1, "numbered"});
  numbered.instance.instance_number = 7;
  ASSERT_TRUE(writer_->Write(numbered).ok());
  EXPECT_EQ(*query::FindRepresentativeThumbnail(reader, "1.2.1", "", "").value(), "numbered");
  EXPECT_EQ(*query::FindRepresentativeThumbnail(reader, "", "", "1.1").value(), kPng);
  // Nothing rendered, nothing there, or not below the given study: none.
  EXPECT_FALSE(query::FindRepresentativeThumbnail(reader, "", "", "1.4").value().has_value());
  EXPECT_FALSE(
      query::FindRepresentativeThumbnail(reader, "1.2.1", "1.2.2", "9.9").value().has_value());
  EXPECT_FALSE(query::FindRepresentativeThumbnail(reader, "9.9", "", "1.1").value().has_value());
}

TEST_F(ThumbnailStoreTest, TellsAMissingRowFromAMissingInstance) {
  auto reads = Reads();
  auto no_row = FindThumbnail(*reads, "1.2");
  ASSERT_TRUE(no_row.ok());
  EXPECT_TRUE(no_row->instance_found);
  EXPECT_FALSE(no_row->thumbnail.has_value());

  auto unknown = FindThumbnail(*reads, "9.9.9");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->instance_found);
  EXPECT_FALSE(unknown->thumbnail.has_value());
}

TEST_F(ThumbnailStoreTest, MissingSelectsInstancesWithoutARowOrDisabled) {
  EXPECT_EQ(Listed(ThumbnailSelection::kMissing), (std::vector<std::string>{"1.2", "1.3"}));
  EXPECT_EQ(Listed(ThumbnailSelection::kAll),
            (std::vector<std::string>{"1.1", "1.2", "1.3", "1.4", "1.5"}));
}

TEST_F(ThumbnailStoreTest, PagesInKeyOrder) {
  EXPECT_EQ(Listed(ThumbnailSelection::kAll, 0, 2), (std::vector<std::string>{"1.1", "1.2"}));
  EXPECT_EQ(Listed(ThumbnailSelection::kAll, pk_["1.2"], 2),
            (std::vector<std::string>{"1.3", "1.4"}));
  EXPECT_EQ(Listed(ThumbnailSelection::kAll, pk_["1.5"], 2), std::vector<std::string>{});
  auto targets = ListThumbnailTargets(*Reads(), ThumbnailSelection::kMissing, 0, 1);
  ASSERT_TRUE(targets.ok());
  ASSERT_EQ(targets->size(), 1u);
  EXPECT_EQ((*targets)[0].instance_pk, pk_["1.2"]);
  EXPECT_EQ((*targets)[0].path, "1.2.1/1.2.2/1.2.dcm");
  EXPECT_EQ((*targets)[0].sha256, "sha-of-1.2");
}

TEST_F(ThumbnailStoreTest, ReplaceInsertsAndOverwritesRowsInOneBatch) {
  const std::string other_png = std::string("other\0png", 9);
  const uint64_t transactions = writer_->stats().transactions;
  auto written = writer_->ReplaceThumbnails(
      {Update("1.2", ThumbnailRecord{ThumbnailStatus::kOk, {}, 8, 6, other_png}),
       Update("1.3", ThumbnailRecord{ThumbnailStatus::kNoPixelData, {}, 0, 0, {}}),
       Update("1.1", ThumbnailRecord{ThumbnailStatus::kDecodeError, "bad", 3, 3, "ignored"})});
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(*written, (std::vector<bool>{true, true, true}));
  // Queued together: fewer transactions than rows (group commit).
  EXPECT_LT(writer_->stats().transactions - transactions, 3u);

  auto inserted = FindThumbnail(*Reads(), "1.2");
  ASSERT_TRUE(inserted.ok() && inserted->thumbnail.has_value());
  EXPECT_EQ(inserted->thumbnail->png, other_png);
  EXPECT_EQ(inserted->thumbnail->width, 8);
  EXPECT_EQ(
      probe_.Rows("SELECT status, width, height, png FROM thumbnails WHERE instance_pk = ?",
                  {std::to_string(pk_["1.1"])}),
      (std::vector<pixeldex::testing::Row>{{"decode_error: bad", "<null>", "<null>", "<null>"}}));
  EXPECT_EQ(probe_.Scalar("SELECT status FROM thumbnails WHERE instance_pk = ?",
                          {std::to_string(pk_["1.3"])}),
            "no_pixel_data");
  EXPECT_EQ(Listed(ThumbnailSelection::kMissing), std::vector<std::string>{});
}

TEST_F(ThumbnailStoreTest, SkipsInstancesRemovedOrReplacedSinceListing) {
  const ThumbnailUpdate removed =
      Update("1.2", ThumbnailRecord{ThumbnailStatus::kOk, {}, 1, 1, "a"});
  ASSERT_TRUE(writer_->Remove("1.2").ok());
  InstanceRecord replaced =
      Record("1.3", ThumbnailRecord{ThumbnailStatus::kDisabled, {}, 0, 0, {}});
  replaced.file.sha256 = "sha-of-a-newer-file";
  auto rewritten = writer_->Write(replaced);
  ASSERT_TRUE(rewritten.ok());
  // The listed key now names a different file (SQLite may even reuse keys):
  // only the checksum can tell, so give the stale update the current key.
  ThumbnailUpdate stale = Update("1.3", ThumbnailRecord{ThumbnailStatus::kOk, {}, 1, 1, "b"});
  stale.instance_pk = rewritten->instance_pk;

  auto written = writer_->ReplaceThumbnails(
      {removed, stale, Update("1.5", ThumbnailRecord{ThumbnailStatus::kOk, {}, 1, 1, "c"})});
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(*written, (std::vector<bool>{false, false, true}));
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM thumbnails t JOIN instances i USING (instance_pk) "
                         "WHERE i.sop_instance_uid = '1.3' AND t.status = 'disabled'"),
            1);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM thumbnails t JOIN instances i USING (instance_pk) "
                         "WHERE i.sop_instance_uid = '1.5' AND t.status = 'ok'"),
            1);
}

// An idle writer's caller commits the first batch of its jobs itself and
// takes their answers; those past the batch are the writer thread's, and
// answered through their futures: every answer in its place.
TEST_F(ThumbnailStoreTest, JobsPastTheCallersBatchAreAnsweredInOrder) {
  IndexWriterOptions options;
  options.max_batch = 2;
  writer_.reset();
  auto writer = IndexWriter::Open(path_, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  writer_ = std::move(writer).value();
  ASSERT_TRUE(writer_->Remove("1.4").ok());
  auto written = writer_->ReplaceThumbnails(
      {Update("1.1", ThumbnailRecord{ThumbnailStatus::kOk, {}, 1, 1, "a"}),
       Update("1.4", ThumbnailRecord{ThumbnailStatus::kOk, {}, 1, 1, "b"}),
       Update("1.2", ThumbnailRecord{ThumbnailStatus::kOk, {}, 1, 1, "c"}),
       Update("1.3", ThumbnailRecord{ThumbnailStatus::kOk, {}, 1, 1, "d"}),
       Update("1.5", ThumbnailRecord{ThumbnailStatus::kOk, {}, 1, 1, "e"})});
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(*written, (std::vector<bool>{true, false, true, true, true}));
  EXPECT_GE(writer_->stats().transactions, 4u);  // the removal, then batches of two at most
  EXPECT_EQ(probe_.Rows("SELECT i.sop_instance_uid, t.png FROM thumbnails t "
                        "JOIN instances i USING (instance_pk) WHERE t.status = 'ok' ORDER BY 1"),
            (std::vector<pixeldex::testing::Row>{{"1.1", "a"}, {"1.2", "c"}, {"1.3", "d"},
                                                 {"1.5", "e"}}));
}

TEST_F(ThumbnailStoreTest, AFailingRowFailsAloneAndIsReported) {
  {
    auto db = Db::Open(path_, Db::Mode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(db->Exec("CREATE TRIGGER fail_boom BEFORE INSERT ON thumbnails "
                         "WHEN NEW.status = 'decode_error: boom' "
                         "BEGIN SELECT RAISE(ABORT, 'injected'); END")
                    .ok());
  }
  auto written = writer_->ReplaceThumbnails(
      {Update("1.3", ThumbnailRecord{ThumbnailStatus::kOk, {}, 1, 1, "a"}),
       Update("1.2", ThumbnailRecord{ThumbnailStatus::kDecodeError, "boom", 0, 0, {}})});
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.status().message().find("injected"), std::string::npos);
  EXPECT_EQ(Listed(ThumbnailSelection::kMissing), (std::vector<std::string>{"1.2"}));
  // The writer goes on: the next batch is written.
  auto retried = writer_->ReplaceThumbnails(
      {Update("1.2", ThumbnailRecord{ThumbnailStatus::kOk, {}, 1, 1, "a"})});
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(*retried, std::vector<bool>{true});
  EXPECT_EQ(Listed(ThumbnailSelection::kMissing), std::vector<std::string>{});
}

}  // namespace
}  // namespace pixeldex::index
