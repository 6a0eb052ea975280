// Reconcile: files without rows are cataloged in place, changed files again,
// rows without files reported (or removed), nothing stored is ever deleted.

#include <filesystem>
#include <fstream>

#include "catalog/reconcile/archive_checker.h"
#include "catalog/reconcile/reconciler.h"
#include "tests/reconcile/archive_fixture.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;
using import::FileResult;

class ReconcileTest : public ArchiveFixture {
 protected:
  // Stores an instance, then copies (or moves) its file to `to` below the
  // root; returns the path it was stored at.
  std::string StoredThenPlacedAt(const std::string& to, bool keep_original) {
    const std::string from = Stored(TestInstance{});
    fs::create_directories(fs::path(FileOf(to)).parent_path());
    if (keep_original) {
      fs::copy_file(FileOf(from), FileOf(to));
    } else {
      fs::rename(FileOf(from), FileOf(to));
    }
    return from;
  }
};

TEST_F(ReconcileTest, AConsistentArchiveNeedsNothing) {
  Stored(TestInstance{});
  const auto report = Reconcile();
  EXPECT_EQ(report.cataloged.counts.files_done, 1);
  EXPECT_EQ(Count(report, FileResult::kUnchanged), 1);
  EXPECT_EQ(report.rows_checked, 1);
  EXPECT_TRUE(report.missing.empty());
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM events"), 0);
}

TEST_F(ReconcileTest, AFileWithoutRowsIsCatalogedWithItsPathBelowTheRoot) {
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  const std::string path = Stored(t);
  ASSERT_TRUE(writer_->Remove(t.sop_instance_uid).ok());  // as if the crash came before the rows
  ASSERT_FALSE(Audit().Consistent());

  const auto report = Reconcile();
  EXPECT_EQ(Count(report, FileResult::kImported), 1);
  EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
  EXPECT_EQ(probe_.Rows("SELECT sop_instance_uid, path, source FROM instances"),
            (std::vector<Row>{{t.sop_instance_uid, path, "reconcile"}}));
  EXPECT_EQ(probe_.Scalar("SELECT status FROM thumbnails"), "ok");
}

TEST_F(ReconcileTest, AChangedFileIsReportedAndCatalogedAgainOnlyWhenAcceptedKeepingWhoSentIt) {
  TestInstance t;
  t.series_description = "before";
  const std::string path = Stored(t);
  const std::string received_at = probe_.Scalar("SELECT received_at FROM instances");
  // The file is rewritten behind the index's back: its content no longer
  // matches the recorded SHA-256, which is never rewritten silently.
  t.series_description = "after, and longer";
  WriteTestInstance(FileOf(path), t);

  auto report = Reconcile();
  EXPECT_EQ(Count(report, FileResult::kCorrupt), 1);
  EXPECT_EQ(probe_.Scalar("SELECT series_description FROM instance_details"), "before");
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM events WHERE kind = 'file_corrupt'"), 1);

  reconcile::ReconcileOptions accept;
  accept.accept_changed = true;
  report = Reconcile(accept);
  EXPECT_EQ(Count(report, FileResult::kRebuilt), 1);
  EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
  EXPECT_EQ(probe_.Rows("SELECT series_description, calling_aet, source, received_at "
                        "FROM instance_details"),
            (std::vector<Row>{{"after, and longer", "MODALITY", "network", received_at}}));
}

TEST_F(ReconcileTest, ARowWithoutFileIsReportedAndKept) {
  TestInstance t;
  const std::string path = Stored(t);
  fs::remove(FileOf(path));

  const auto report = Reconcile();
  ASSERT_EQ(report.missing.size(), 1u);
  EXPECT_EQ(report.missing[0].sop_instance_uid, t.sop_instance_uid);
  EXPECT_EQ(report.missing[0].path, path);
  EXPECT_EQ(report.rows_removed, 0);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), 1);
  EXPECT_EQ(probe_.Rows("SELECT kind, sop_instance_uid, detail FROM events"),
            (std::vector<Row>{{"file_missing", t.sop_instance_uid, path}}));
}

TEST_F(ReconcileTest, AFileThatStaysMissingIsReportedOnce) {
  TestInstance t;
  const std::string path = Stored(t);
  fs::remove(FileOf(path));

  EXPECT_EQ(Reconcile().missing_reported_before, 0);
  const auto second = Reconcile();
  ASSERT_EQ(second.missing.size(), 1u);
  EXPECT_EQ(second.missing_reported_before, 1);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM events WHERE kind = 'file_missing'"), 1);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), 1);

  // Missing under another path (the instance was stored again meanwhile):
  // that is news, and reported.
  t.series_uid = UniqueUid("2.");
  const std::string other = Stored(t);
  ASSERT_NE(other, path);
  fs::remove(FileOf(other));
  EXPECT_EQ(Reconcile().missing_reported_before, 0);
  EXPECT_EQ(probe_.Rows("SELECT detail FROM events WHERE kind = 'file_missing' ORDER BY event_pk"),
            (std::vector<Row>{{path}, {other}}));
}

TEST_F(ReconcileTest, ReindexRemovesRowsWithoutFileAndRecatalogsEverything) {
  TestInstance kept, lost;
  kept.sop_instance_uid = UniqueUid("3.");
  lost.sop_instance_uid = UniqueUid("3.");
  Stored(kept);
  fs::remove(FileOf(Stored(lost)));
  const std::string received_at = probe_.Scalar(
      "SELECT received_at FROM instances WHERE sop_instance_uid = ?1", {kept.sop_instance_uid});
  // Rows an older pixeldex wrote differently: a rebuild renders thumbnails anew.
  ExecSql("DELETE FROM thumbnails");

  reconcile::ReconcileOptions options;
  options.recatalog_all = true;
  options.remove_missing_rows = true;
  const auto report = Reconcile(options);
  EXPECT_EQ(Count(report, FileResult::kRebuilt), 1);
  EXPECT_EQ(Count(report, FileResult::kUnchanged), 0);
  EXPECT_EQ(report.rows_removed, 1);
  EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
  EXPECT_EQ(probe_.Rows("SELECT sop_instance_uid, received_at, calling_aet FROM instances"),
            (std::vector<Row>{{kept.sop_instance_uid, received_at, "MODALITY"}}));
  EXPECT_EQ(probe_.Scalar("SELECT status FROM thumbnails"), "ok");
  EXPECT_EQ(probe_.Rows("SELECT sop_instance_uid FROM events WHERE kind = 'file_missing'"),
            (std::vector<Row>{{lost.sop_instance_uid}}));
}

TEST_F(ReconcileTest, ASecondCopyInTheLayoutIsLeftAloneAndReported) {
  const std::string copy = "elsewhere/copy.dcm";
  const std::string path = StoredThenPlacedAt(copy, /*keep_original=*/true);

  const auto report = Reconcile();
  EXPECT_EQ(Count(report, FileResult::kDuplicateKept), 1);
  EXPECT_TRUE(fs::exists(FileOf(copy))) << "reconcile never deletes a stored file";
  EXPECT_EQ(probe_.Rows("SELECT path FROM instances"), (std::vector<Row>{{path}}));
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM events WHERE kind = 'duplicate_in_layout' "
                         "AND detail LIKE ?1",
                         {copy + " left uncataloged%"}),
            1);
}

TEST_F(ReconcileTest, TheCopyWhoseCatalogedTwinIsGoneTakesOver) {
  const std::string moved = "moved/here.dcm";
  StoredThenPlacedAt(moved, /*keep_original=*/false);

  const auto report = Reconcile();
  EXPECT_EQ(Count(report, FileResult::kReplaced), 1);
  EXPECT_TRUE(report.missing.empty());
  EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
  EXPECT_EQ(probe_.Rows("SELECT path FROM instances"), (std::vector<Row>{{moved}}));
}

TEST_F(ReconcileTest, NonDicomFilesInTheTreeAreCountedAndLeftAlone) {
  Stored(TestInstance{});
  std::ofstream(FileOf("README.txt")) << "notes about this archive";
  const auto report = Reconcile();
  EXPECT_EQ(Count(report, FileResult::kNotDicom), 1);
  EXPECT_TRUE(fs::exists(FileOf("README.txt")));
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), 1);
}

TEST_F(ReconcileTest, AnIndexKeptBelowTheStorageRootIsNotPartOfTheArchive) {
  // storage.index = <root>/index.db: the walk must not take it, nor its
  // companions (-wal, -shm, the lock file), for stray files.
  const std::string inside = FileOf("index.db");
  auto writer = index::IndexWriter::Open(inside);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->LockInstance("1.2.3").ok());  // makes index.db.locks
  ASSERT_TRUE(fs::exists(inside + ".locks"));
  ingest::IngestPipeline pipeline(store_, **writer, ingest::IngestOptions{});
  auto report = reconcile::Reconcile(pipeline, store_, **writer, inside, {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->cataloged.counts.files_done, 0);
  auto check = reconcile::CheckArchive(store_.layout(), inside);
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->findings.empty());
  EXPECT_EQ(check->files, 0);
}

}  // namespace
}  // namespace pixeldex::testing
