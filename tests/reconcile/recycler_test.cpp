// Retention and recycling over a real archive (catalog/reconcile/recycler.h):
// the size rule removes the oldest unprotected studies until the archive
// fits, the age rule the studies last received too long ago; a protected
// study is never selected; what goes is deleted through the crash-safe
// deleter (files and rows gone, one event per instance naming the rule),
// and a cancelled pass stops between studies. The running total of the
// size check (archive_size.h) follows added rows, stays above the true
// total after deletes until an exact sum, and notices its last row replaced.

#include "catalog/reconcile/recycler.h"

#include <filesystem>

#include "catalog/reconcile/archive_size.h"
#include "tests/reconcile/archive_fixture.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::system_clock;

class RecyclerTest : public ArchiveFixture {
 protected:
  // Stores a study of `instances` instances, received on `day` (YYYY-MM-DD).
  std::string Study(int instances, const std::string& day) {
    TestInstance t;
    t.study_uid = UniqueUid("1.");
    t.series_uid = UniqueUid("2.");
    for (int i = 0; i < instances; ++i) {
      t.sop_instance_uid = UniqueUid("3.");
      paths_.push_back(Stored(t));
    }
    ExecSql("UPDATE instances SET received_at = '" + day + "T10:00:00.000Z' WHERE series_pk = "
            "(SELECT series_pk FROM series WHERE series_instance_uid = '" + t.series_uid + "')");
    return t.study_uid;
  }
  int64_t Bytes() const { return probe_.Count("SELECT total(size_bytes) FROM instances"); }
  int64_t StudyBytes(const std::string& uid) const {
    return probe_.Count(
        "SELECT total(i.size_bytes) FROM instances i JOIN series se USING (series_pk) "
        "JOIN studies st USING (study_pk) WHERE st.study_instance_uid = ?1",
        {uid});
  }
  std::vector<std::string> Selected(const reconcile::RecyclePolicy& policy,
                                    int64_t incoming = 0) const {
    auto studies = reconcile::SelectStudiesToRecycle(index_path_, policy, now_, incoming);
    EXPECT_TRUE(studies.ok()) << studies.status().ToString();
    std::vector<std::string> uids;
    if (studies.ok()) {
      for (const auto& s : *studies) uids.push_back(s.study_instance_uid);
    }
    return uids;
  }

  // 2026-12-05T12:00:00Z.
  const system_clock::time_point now_ = system_clock::from_time_t(1796472000);
  std::vector<std::string> paths_;
};

TEST_F(RecyclerTest, NoRuleSelectsNothing) {
  Study(1, "2000-01-01");
  EXPECT_TRUE(Selected({}).empty());
}

TEST_F(RecyclerTest, SizeLimitTakesTheOldestStudiesUntilTheArchiveFits) {
  Study(1, "2026-12-01");  // the newest
  const std::string oldest = Study(2, "2026-10-01");
  const std::string middle = Study(1, "2026-11-01");
  const int64_t total = Bytes();
  // Room for everything: nothing goes.
  EXPECT_TRUE(Selected({total, 0}).empty());
  // One byte more than there is room for: the oldest study alone.
  EXPECT_EQ(Selected({total, 0}, 1), (std::vector<std::string>{oldest}));
  // Less room than the oldest study frees: the next oldest too.
  EXPECT_EQ(Selected({total - StudyBytes(oldest), 0}, 1),
            (std::vector<std::string>{oldest, middle}));
}

TEST_F(RecyclerTest, ProtectedStudiesAreNeverSelected) {
  const std::string oldest = Study(1, "2026-10-01");
  const std::string next = Study(1, "2026-11-01");
  ASSERT_TRUE(writer_->Protect(oldest, "teaching file").ok());
  ASSERT_TRUE(writer_->Protect(oldest, "again").ok());
  EXPECT_EQ(probe_.Scalar("SELECT reason FROM protected_studies"), "teaching file");
  EXPECT_EQ(Selected({Bytes(), 0}, 1), (std::vector<std::string>{next}));
  EXPECT_EQ(Selected({1, 0}, 1), (std::vector<std::string>{next}));  // never the protected one
  EXPECT_EQ(Selected({0, 30}), (std::vector<std::string>{next}));
  ASSERT_TRUE(writer_->Unprotect(oldest).ok());
  EXPECT_EQ(Selected({0, 30}), (std::vector<std::string>{oldest, next}));
}

TEST_F(RecyclerTest, AgeRuleTakesStudiesLastReceivedTooLongAgo) {
  const std::string old_study = Study(2, "2026-09-01");
  Study(1, "2026-11-20");
  // 30 days before 2026-12-05 is 2026-11-05.
  EXPECT_EQ(Selected({0, 30}), (std::vector<std::string>{old_study}));
  EXPECT_TRUE(Selected({0, 200}).empty());
}

TEST_F(RecyclerTest, RecycleDeletesFilesAndRowsAndRecordsTheRule) {
  const std::string oldest = Study(2, "2026-10-01");
  const std::string kept = Study(1, "2026-11-01");
  const int64_t kept_bytes = StudyBytes(kept);
  auto report = reconcile::Recycle(faults_, store_.layout(), *writer_, index_path_,
                                   {kept_bytes + 1, 0}, now_, 1);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->studies, 1);
  EXPECT_EQ(report->instances, 2);
  EXPECT_EQ(Bytes(), kept_bytes);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM studies WHERE study_instance_uid = ?1", {oldest}),
            0);
  EXPECT_FALSE(fs::exists(FileOf(paths_[0])));
  EXPECT_FALSE(fs::exists(FileOf(paths_[1])));
  EXPECT_TRUE(fs::exists(FileOf(paths_[2])));
  EXPECT_EQ(probe_.Rows("SELECT DISTINCT detail FROM events WHERE kind = 'deleted'"),
            (std::vector<Row>{{"recycling (storage.max_size_mb 0)"}}));
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM events WHERE kind = 'deleted'"), 2);
  EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
}

TEST_F(RecyclerTest, ACancelledPassStopsBetweenStudies) {
  Study(1, "2026-10-01");
  Study(1, "2026-10-02");
  const std::atomic<bool> cancel{true};
  auto report = reconcile::Recycle(faults_, store_.layout(), *writer_, index_path_, {0, 30}, now_,
                                   0, &cancel);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->studies, 0);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), 2);
}

int64_t Value(const Result<int64_t>& result) {
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : -1;
}

TEST_F(RecyclerTest, TheRunningTotalFollowsAddedRowsAndStaysAboveAfterDeletes) {
  reconcile::ArchiveSizeTracker size(index_path_);
  EXPECT_EQ(Value(size.Estimate()), 0);
  Study(2, "2026-10-01");
  EXPECT_EQ(Value(size.Estimate()), Bytes());
  Study(1, "2026-11-01");
  EXPECT_EQ(Value(size.Estimate()), Bytes());
  // A row deleted (not the last): still counted until the next exact sum.
  const int64_t before = Bytes();
  ExecSql("DELETE FROM instances WHERE instance_pk = (SELECT min(instance_pk) FROM instances)");
  ASSERT_LT(Bytes(), before);
  EXPECT_EQ(Value(size.Estimate()), before);
  EXPECT_EQ(Value(size.Exact()), Bytes());
  EXPECT_EQ(Value(size.Estimate()), Bytes());
}

TEST_F(RecyclerTest, TheRunningTotalNoticesItsLastRowReplaced) {
  reconcile::ArchiveSizeTracker size(index_path_);
  Study(2, "2026-10-01");
  ASSERT_EQ(Value(size.Estimate()), Bytes());
  const int64_t last_pk = probe_.Count("SELECT max(instance_pk) FROM instances");
  const std::vector<Row> last = probe_.Rows(
      "SELECT sop_instance_uid, path FROM instances WHERE instance_pk = " +
      std::to_string(last_pk));
  ASSERT_EQ(last.size(), 1u);
  ASSERT_TRUE(reconcile::DeleteInstance(faults_, store_.layout(), *writer_,
                                        {last[0][0]}, "test")
                  .ok());
  // A bigger instance takes the freed instance_pk (SQLite: the largest + 1).
  TestInstance bigger;
  bigger.study_uid = UniqueUid("1.");
  bigger.series_uid = UniqueUid("2.");
  bigger.sop_instance_uid = UniqueUid("3.");
  bigger.rows = 64;
  bigger.columns = 64;
  Stored(bigger);
  ASSERT_EQ(probe_.Count("SELECT max(instance_pk) FROM instances"), last_pk);
  EXPECT_EQ(Value(size.Estimate()), Bytes());
}

}  // namespace
}  // namespace pixeldex::testing
