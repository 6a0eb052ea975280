#pragma once
// The archive size limit end to end, the real binary and storescu: with
// storage.max_size_mb reached and recycling off, a C-STORE is answered A700
// (PS3.4 B.2.3) with the numbers, logged and recorded; with recycling on,
// the oldest unprotected study (`pixeldex protect` keeps one) is deleted to
// make room and the event names the rule; `pixeldex recycle --dry-run` and
// `pixeldex recycle` apply retention.max_age_days, and so does the running
// server every retention.interval_seconds.
//
// The cases run on either index (BackendServerTest): recycling_e2e_test
// instantiates them on SQLite, tests/postgres/pg_lifecycle_e2e_test on
// PostgreSQL.

#include "tests/e2e/e2e_fixture.h"

namespace pixeldex::testing {

class SizeLimitE2eTest : public BackendServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--set", "storage.max_size_mb=1"};
  }

  // Stores a study of one 512x512 16-bit image (half a MiB); returns its UID.
  std::string StoreStudy(int* exit_code = nullptr) {
    TestInstance t;
    t.study_uid = UniqueUid("1.");
    t.series_uid = UniqueUid("2.");
    t.sop_instance_uid = UniqueUid("3.");
    t.rows = 512;
    t.columns = 512;
    auto r = StoreScu({MakeInstance(t, "s" + std::to_string(++made_) + ".dcm")}, {"-v"});
    if (exit_code) *exit_code = r.exit_code;
    last_output_ = r.output;
    return t.study_uid;
  }
  // Stores two studies, protects the first, and makes both received 400
  // days ago (as a person with sqlite3 or psql could say).
  void StoreTwoStudiesLongAgo(std::string* protected_study, std::string* other) {
    *protected_study = StoreStudy();
    *other = StoreStudy();
    ASSERT_EQ(Stored(*protected_study) + Stored(*other), 2) << last_output_ << server_->Log();
    auto r = Pixeldex("protect", {*protected_study});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    index_.Exec("UPDATE instances SET received_at = '" + ReceivedDaysAgo(400) + "'");
  }
  long long Stored(const std::string& study_uid) const {
    return Index().Count("SELECT count(*) FROM studies WHERE study_instance_uid = ?1",
                         {study_uid});
  }

  int made_ = 0;
  std::string last_output_;
};

TEST_P(SizeLimitE2eTest, AFullArchiveRefusesWithA700WhenRecyclingIsOff) {
  const std::string first = StoreStudy(), second = StoreStudy();
  ASSERT_EQ(Stored(first), 1) << last_output_ << server_->Log();
  ASSERT_EQ(Stored(second), 1) << last_output_ << server_->Log();
  const std::string third = StoreStudy();
  EXPECT_EQ(Stored(third), 0) << server_->Log();
  // storescu -v names A700 so.
  EXPECT_NE(last_output_.find("Received Store Response (Refused: OutOfResources)"),
            std::string::npos)
      << last_output_;
  EXPECT_EQ(Index().Count("SELECT count(*) FROM events WHERE kind = 'store_failed' AND "
                          "status_code = 42752 AND detail LIKE '%archive 1 MB reached "
                          "storage.max_size_mb 1%'"),
            1);
  EXPECT_NE(server_->Log().find("reached storage.max_size_mb 1"), std::string::npos)
      << server_->Log();
  // Nothing was deleted.
  EXPECT_EQ(Stored(first) + Stored(second), 2);
}

class RecyclingE2eTest : public SizeLimitE2eTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--set", "storage.max_size_mb=1", "--set", "storage.recycling=true"};
  }
};

TEST_P(RecyclingE2eTest, TheOldestUnprotectedStudyMakesRoom) {
  const std::string protected_study = StoreStudy(), oldest = StoreStudy();
  ASSERT_EQ(Stored(protected_study) + Stored(oldest), 2) << last_output_ << server_->Log();
  auto r = Pixeldex("protect", {"--reason", "teaching file", protected_study});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  int exit_code = -1;
  const std::string newest = StoreStudy(&exit_code);
  EXPECT_EQ(exit_code, 0) << last_output_ << server_->Log();
  EXPECT_EQ(Stored(newest), 1) << server_->Log();
  EXPECT_EQ(Stored(protected_study), 1);
  EXPECT_EQ(Stored(oldest), 0);
  EXPECT_EQ(Index().Rows("SELECT detail FROM events WHERE kind = 'deleted'"),
            (std::vector<Row>{{"recycling (storage.max_size_mb 1)"}}));
  EXPECT_NE(server_->Log().find("recycled study " + oldest), std::string::npos)
      << server_->Log();
  // Files and index agree afterwards.
  r = Pixeldex("check");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_P(RecyclingE2eTest, RecycleAppliesTheAgeRuleAndSparesProtectedStudies) {
  std::string protected_study, kept;
  ASSERT_NO_FATAL_FAILURE(StoreTwoStudiesLongAgo(&protected_study, &kept));
  auto r = Pixeldex("recycle", {"--set", "retention.max_age_days=365", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("would delete study " + kept), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(protected_study), std::string::npos) << r.output;
  EXPECT_EQ(Stored(kept), 1);
  r = Pixeldex("unprotect", {protected_study});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Pixeldex("recycle", {"--set", "retention.max_age_days=365"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("2 studies, 2 instances"), std::string::npos) << r.output;
  EXPECT_EQ(Stored(kept) + Stored(protected_study), 0);
  EXPECT_EQ(Index().Count("SELECT count(*) FROM events WHERE kind = 'deleted' AND "
                          "detail = 'recycling (retention.max_age_days 365)'"),
            2);
}

// The running server applies the age rule on its own, every second here;
// the test waits for the outcome (the log line, then the rows), not a time.
class RetentionTimerE2eTest : public SizeLimitE2eTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--set", "retention.max_age_days=365", "--set", "retention.interval_seconds=1"};
  }
};

TEST_P(RetentionTimerE2eTest, TheServerAppliesTheAgeRuleWhileItRuns) {
  // Made old while the server runs: no restart, no `pixeldex recycle`.
  std::string protected_study, old_study;
  ASSERT_NO_FATAL_FAILURE(StoreTwoStudiesLongAgo(&protected_study, &old_study));
  ASSERT_TRUE(server_->WaitForLog("recycled study " + old_study, 60000)) << server_->Log();
  EXPECT_EQ(Stored(old_study), 0);
  EXPECT_EQ(Stored(protected_study), 1);
  EXPECT_EQ(Index().Rows("SELECT detail FROM events WHERE kind = 'deleted'"),
            (std::vector<Row>{{"recycling (retention.max_age_days 365)"}}));
  // Stores go on beside the timer, and a new study is not old.
  const std::string fresh = StoreStudy();
  EXPECT_EQ(Stored(fresh), 1) << last_output_ << server_->Log();
  // A clean stop: the timer thread is joined, the exit status is 0.
  EXPECT_EQ(server_->Stop(), 0) << server_->Log();
  const ProcessResult r = Pixeldex("check");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace pixeldex::testing
