// Integrity is never rewritten silently: a stored file whose content no
// longer matches its recorded SHA-256 is reported by check, reindex and
// reconcile (event file_corrupt) until a person decides (accept_changed, or
// the instance received again); reindex rebuilds rows without calling that a
// replacement; a clean start hashes nothing.


#include <filesystem>
#include <fstream>

#include "catalog/reconcile/archive_checker.h"
#include "catalog/reconcile/reconciler.h"
#include "catalog/storage/sha256.h"
#include "tests/reconcile/archive_fixture.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;
using import::FileResult;

class IntegrityTest : public ArchiveFixture {
 protected:
  static reconcile::ReconcileOptions Reindex(bool accept_changed = false) {
    reconcile::ReconcileOptions options;
    options.recatalog_all = true;
    options.remove_missing_rows = true;
    options.accept_changed = accept_changed;
    return options;
  }
  int64_t Mismatches() {
    auto report = reconcile::CheckArchive(store_.layout(), index_path_);
    EXPECT_TRUE(report.ok());
    int64_t n = 0;
    for (const auto& f : report->findings) n += f.problem == reconcile::Problem::kMismatch;
    return n;
  }
  std::string RecordedSha() { return probe_.Scalar("SELECT sha256 FROM instances"); }
  int64_t Events(const std::string& kind) {
    return probe_.Count("SELECT count(*) FROM events WHERE kind = ?1", {kind});
  }
};

TEST_F(IntegrityTest, AFlippedByteStaysReportedUntilAccepted) {
  TestInstance t;
  const std::string path = Stored(t);
  const std::string original_sha = RecordedSha();
  FlipByteKeepingTimes(FileOf(path));
  const std::string file_sha = *storage::Sha256OfFile(FileOf(path));
  ASSERT_NE(file_sha, original_sha);
  EXPECT_EQ(Mismatches(), 1);

  // reindex reports it and leaves the row as it was; check still sees it.
  auto report = Reconcile(Reindex());
  EXPECT_EQ(Count(report, FileResult::kCorrupt), 1);
  EXPECT_EQ(Count(report, FileResult::kRebuilt), 0);
  EXPECT_EQ(report.cataloged.counts.NeedingAttention(), 1);
  EXPECT_EQ(RecordedSha(), original_sha);
  EXPECT_EQ(probe_.Rows("SELECT sop_instance_uid, detail FROM events WHERE kind = 'file_corrupt'"),
            (std::vector<Row>{{t.sop_instance_uid, path + ": recorded sha256 " + original_sha +
                                                       ", file sha256 " + file_sha}}));
  EXPECT_EQ(Mismatches(), 1);

  // Reported again by the next reindex and by a start (size and time are
  // unchanged, but a reported corruption is verified until resolved); the
  // same finding is recorded once.
  EXPECT_EQ(Count(Reconcile(Reindex()), FileResult::kCorrupt), 1);
  EXPECT_EQ(Count(Reconcile(), FileResult::kCorrupt), 1);
  EXPECT_EQ(Events("file_corrupt"), 1);
  EXPECT_EQ(RecordedSha(), original_sha);

  // A person accepts the file as it is now.
  report = Reconcile(Reindex(/*accept_changed=*/true));
  EXPECT_EQ(Count(report, FileResult::kRebuilt), 1);
  EXPECT_EQ(RecordedSha(), file_sha);
  EXPECT_EQ(Mismatches(), 0);
  EXPECT_EQ(Count(Reconcile(), FileResult::kUnchanged), 1);
  EXPECT_EQ(Count(Reconcile(Reindex()), FileResult::kRebuilt), 1);
  EXPECT_EQ(Events("file_corrupt"), 1);
}

TEST_F(IntegrityTest, ReceivingTheInstanceAgainResolvesIt) {
  TestInstance t;
  const std::string path = Stored(t);
  FlipByteKeepingTimes(FileOf(path));
  EXPECT_EQ(Count(Reconcile(Reindex()), FileResult::kCorrupt), 1);
  Stored(t);  // the sender stores it again: file and row replaced
  EXPECT_EQ(Mismatches(), 0);
  const auto report = Reconcile();
  EXPECT_EQ(Count(report, FileResult::kUnchanged), 1);
  EXPECT_EQ(Count(report, FileResult::kCorrupt), 0);
}

TEST_F(IntegrityTest, AChangedSizeOrTimeIsVerifiedAtStart) {
  TestInstance t;
  const std::string path = Stored(t);
  const std::string original_sha = RecordedSha();
  std::ofstream(FileOf(path), std::ios::app | std::ios::binary) << "trailing junk";
  const auto report = Reconcile();
  EXPECT_EQ(Count(report, FileResult::kCorrupt), 1);
  EXPECT_EQ(RecordedSha(), original_sha);
  EXPECT_EQ(Events("file_corrupt"), 1);
}

TEST_F(IntegrityTest, ACleanStartHashesNothing) {
  // A flipped byte that keeps size and time is invisible to a start that
  // compares size and time only (check and reindex find it: above).
  const std::string path = Stored(TestInstance{});
  FlipByteKeepingTimes(FileOf(path));
  const auto report = Reconcile();
  EXPECT_EQ(Count(report, FileResult::kUnchanged), 1);
  EXPECT_EQ(Events("file_corrupt"), 0);
}

TEST_F(IntegrityTest, ReindexRebuildsRowsWithoutDuplicateEvents) {
  TestInstance a, b;
  b.sop_instance_uid = UniqueUid("3.");
  const std::string path_a = Stored(a);
  Stored(b);
  const std::string received_at = probe_.Scalar(
      "SELECT received_at FROM instances WHERE sop_instance_uid = ?1", {a.sop_instance_uid});
  const auto report = Reconcile(Reindex());
  EXPECT_EQ(Count(report, FileResult::kRebuilt), 2);
  EXPECT_EQ(Count(report, FileResult::kReplaced), 0);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM events"), 0);
  EXPECT_EQ(probe_.Scalar("SELECT received_at FROM instances WHERE sop_instance_uid = ?1",
                          {a.sop_instance_uid}),
            received_at);
  const std::string summary = import::FormatReindexSummary(report.cataloged);
  EXPECT_NE(summary.find("\n  rebuilt                    2\n"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("replaced"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("imported"), std::string::npos) << summary;
}

}  // namespace
}  // namespace pixeldex::testing
