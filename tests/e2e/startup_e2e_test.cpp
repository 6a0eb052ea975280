// Start-up at scale, end to end: a server's start reconciles only the
// in-flight journal (catalog/reconcile/in_flight_journal.h), never the whole
// archive, once the archive's first start walked it. Observed through what a
// walk would do and the journal does not: a file a person put into the
// layout is cataloged by a walk only. A start after SIGKILL, while stores
// waited for the index, still catalogs every file that was in flight.

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/archive_audit.h"
#include "tests/support/index_write_lock.h"
#include "tests/support/store_sender.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kWalked = "reconciled the archive at start-up: ";
constexpr const char* kJournalOnly =
    "reconciled the archive at start-up from the in-flight journal, without walking it: ";

class StartupE2eTest : public ServerTest {
 protected:
  // Restarts the server on the same archive, logging to `log_name`.
  void Restart(const std::string& log_name, std::map<std::string, std::string> env = {}) {
    ServerProcess::Options options = ArchiveIn(dir_);
    options.log_file = dir_ / log_name;
    options.env = std::move(env);
    server_ = ServerProcess::Start(options);
  }
  // A valid instance put into the layout by hand, where only a walk finds
  // it; returns its SOP Instance UID.
  std::string PlaceFileByHand() const {
    TestInstance t;
    t.sop_instance_uid = UniqueUid("3.");
    const std::string path =
        StoragePath(t.study_uid + "/" + t.series_uid + "/" + t.sop_instance_uid + ".dcm");
    fs::create_directories(fs::path(path).parent_path());
    WriteTestInstance(path, t);
    return t.sop_instance_uid;
  }
  long long Rows(const std::string& sop_instance_uid) const {
    return Index().Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?1",
                         {sop_instance_uid});
  }
  ArchiveAudit Audit() const { return AuditArchive(dir_ / "storage", dir_ / "index.db"); }
  // The marks a serving server leaves below the root (in_flight_journal.h).
  int ServingMarks() const {
    int marks = 0;
    for (const auto& entry : fs::directory_iterator(StoragePath(""))) {
      marks += entry.path().filename().string().starts_with(".serving-") ? 1 : 0;
    }
    return marks;
  }
};

TEST_F(StartupE2eTest, ACleanRestartReadsTheJournalAndDoesNotWalkTheArchive) {
  // The archive's first start walked it, and marked its journal complete.
  EXPECT_NE(server_->Log().find(kWalked), std::string::npos) << server_->Log();
  EXPECT_TRUE(fs::is_directory(StoragePath(".journal-complete")));
  TestInstance t;
  ASSERT_EQ(StoreScu(MakeInstances(t, 3, "a")).exit_code, 0);
  EXPECT_EQ(ServingMarks(), 1);
  ASSERT_EQ(server_->Stop(), 0);
  EXPECT_EQ(ServingMarks(), 0) << "a clean stop leaves no serving mark";
  const std::string by_hand = PlaceFileByHand();

  Restart("clean-restart.log");
  const std::string log = server_->Log();
  EXPECT_NE(log.find(std::string(kJournalOnly) + "0 in-flight file(s), 0 cataloged"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find(kWalked), std::string::npos) << log;
  EXPECT_EQ(Rows(by_hand), 0) << "a start walked the archive";
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), 3);

  // The walk stays available: check finds the file, and so does a start
  // told to walk.
  auto check = PixeldexOn(dir_, "check");
  EXPECT_EQ(check.exit_code, 1) << check.output;
  EXPECT_NE(check.output.find(by_hand), std::string::npos) << check.output;
  ASSERT_EQ(server_->Stop(), 0);
  Restart("walking-restart.log", {{"PIXELDEX_STORAGE_WALK_AT_START", "true"}});
  EXPECT_NE(server_->Log().find(kWalked), std::string::npos) << server_->Log();
  EXPECT_EQ(Index().Rows("SELECT source FROM instances WHERE sop_instance_uid = ?1", {by_hand}),
            (std::vector<Row>{{"reconcile"}}));
  EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
}

TEST_F(StartupE2eTest, AStartAfterSigkillCatalogsWhatWasInFlightWithoutAWalk) {
  std::vector<SentFile> files;
  TestInstance t;
  for (int i = 0; i < 5; ++i) {
    t.sop_instance_uid = UniqueUid("3.");
    const std::string path = dir_ / ("k" + std::to_string(i) + ".dcm");
    WriteTestInstance(path, t);
    files.push_back({path, t.sop_class_uid, t.sop_instance_uid});
  }
  std::set<std::string> acknowledged;
  {
    // Stores wait for the index between "file in place" and "rows
    // committed": the kill leaves files without rows for certain.
    IndexWriteLock lock(dir_ / "index.db");
    ASSERT_TRUE(lock.locked());
    std::thread sender([&, port = server_->port()] {
      StoreSender("MODALITY", port).Send(files, [&](const std::string& uid) {
        acknowledged.insert(uid);
      });
    });
    const bool in_flight =
        WaitForFileWithoutRows(dir_ / "storage", dir_ / "index.db", std::chrono::seconds(20));
    server_->Kill();
    sender.join();
    ASSERT_TRUE(in_flight) << server_->Log();
  }
  const ArchiveAudit left = Audit();
  ASSERT_FALSE(left.files_without_row.empty());
  EXPECT_EQ(ServingMarks(), 1) << "a kill leaves this boot's serving mark";
  EXPECT_TRUE(acknowledged.empty()) << "acknowledged before its rows were committed";
  const std::string by_hand = PlaceFileByHand();

  Restart("after-kill.log");
  const std::string log = server_->Log();
  EXPECT_NE(log.find(kJournalOnly), std::string::npos) << log;
  EXPECT_EQ(log.find(kWalked), std::string::npos) << log;
  EXPECT_EQ(log.find(std::string(kJournalOnly) + "0 in-flight"), std::string::npos) << log;
  // Every file the kill left without rows is cataloged; the journal is gone.
  for (const std::string& relative : left.files_without_row) {
    EXPECT_EQ(Index().Count("SELECT count(*) FROM instances WHERE path = ?1 AND source = "
                            "'reconcile'",
                            {relative}),
              1)
        << relative << "\n"
        << log;
  }
  const ArchiveAudit audit = Audit();
  EXPECT_TRUE(audit.temporary_files.empty()) << audit.Describe();
  EXPECT_TRUE(audit.rows_without_file.empty()) << audit.Describe();
  // The one file without rows is the one a person put there: no walk ran.
  EXPECT_EQ(Rows(by_hand), 0);
  ASSERT_EQ(audit.files_without_row.size(), 1u) << audit.Describe();
  EXPECT_NE(audit.files_without_row[0].find(by_hand), std::string::npos) << audit.Describe();
}

}  // namespace
}  // namespace pixeldex::testing
