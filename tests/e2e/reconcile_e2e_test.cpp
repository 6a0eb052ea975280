// Reconciliation end to end, with the real binary: the server reconciles on
// start, `pixeldex check` and `pixeldex reindex` work while it stores, and an
// I/O error during a store answers A700, leaves nothing, and the server goes
// on serving C-ECHO and C-FIND.

#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <exception>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/raw_store_client.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

class ReconcileE2eTest : public ServerTest {
 protected:
  ProcessResult Pixeldex(const std::string& command,
                         const std::vector<std::string>& args = {}) const {
    return PixeldexOn(dir_, command, args);
  }
  // `count` fresh instances of one series, written into the temp dir.
  std::vector<std::string> MakeSeries(const std::string& name, int count) const {
    TestInstance t;
    t.study_uid = UniqueUid("1.");
    t.series_uid = UniqueUid("2.");
    return MakeInstances(t, count, name);
  }
  std::string PathOf(const std::string& sop_instance_uid) const {
    return StoragePath(Index().Scalar("SELECT path FROM instances WHERE sop_instance_uid = ?1",
                                      {sop_instance_uid}));
  }
  ProcessResult Echo() const {
    return RunProcess({"echoscu", "-aec", "PIXELDEX", "127.0.0.1", server_->port_string()},
                      FastClientEnv());
  }
  ProcessResult FindStudies() const {
    return RunProcess({"findscu", "-S", "-aec", "PIXELDEX", "-k", "QueryRetrieveLevel=STUDY", "-k",
                       "StudyInstanceUID", "127.0.0.1", server_->port_string()},
                      FastClientEnv());
  }
};

TEST_F(ReconcileE2eTest, HelpDescribesBothCommands) {
  auto reindex = RunProcess({PIXELDEX_BINARY, "reindex", "--help"});
  EXPECT_EQ(reindex.exit_code, 0);
  for (const char* text : {"--jobs N", "in place", "exit status:", "file_missing"}) {
    EXPECT_NE(reindex.output.find(text), std::string::npos) << text;
  }
  auto check = RunProcess({PIXELDEX_BINARY, "check", "--help"});
  EXPECT_EQ(check.exit_code, 0);
  for (const char* text : {"--format FORMAT", "missing", "extra", "mismatch", "exit status:"}) {
    EXPECT_NE(check.output.find(text), std::string::npos) << text;
  }
  auto help = RunProcess({PIXELDEX_BINARY, "help"});
  EXPECT_NE(help.output.find("reindex"), std::string::npos);
  EXPECT_NE(help.output.find("check"), std::string::npos);
  EXPECT_EQ(Pixeldex("check", {"--format", "xml"}).exit_code, 2);
  EXPECT_EQ(Pixeldex("reindex", {"somewhere"}).exit_code, 2);
  EXPECT_EQ(Pixeldex("reindex", {"--jobs", "0"}).exit_code, 2);
}

TEST_F(ReconcileE2eTest, TheServerReconcilesWhenItStarts) {
  const auto files = MakeSeries("a", 3);
  ASSERT_EQ(StoreScu(files).exit_code, 0);
  ASSERT_EQ(server_->Stop(), 0);
  // What a crash and a careless person can leave: a stored file without
  // rows, a half-received file, a row whose file is gone.
  TestInstance orphan;
  orphan.sop_instance_uid = UniqueUid("3.");
  const std::string orphan_path = StoragePath(orphan.study_uid + "/" + orphan.series_uid + "/" +
                                              orphan.sop_instance_uid + ".dcm");
  fs::create_directories(fs::path(orphan_path).parent_path());
  WriteTestInstance(orphan_path, orphan);
  std::ofstream(StoragePath(".incoming/12345678-1-0.part")) << "half a data set";
  const std::string lost = Index().Scalar("SELECT sop_instance_uid FROM instances LIMIT 1");
  fs::remove(PathOf(lost));

  // Only a walk finds what a person did; a start walks when told to
  // (startup_e2e_test.cpp: by default it reads the in-flight journal only).
  ServerProcess::Options options;
  options.storage = dir_ / "storage";
  options.index = dir_ / "index.db";
  options.log_file = dir_ / "server2.log";
  options.env = {{"PIXELDEX_STORAGE_WALK_AT_START", "true"}};
  server_ = ServerProcess::Start(options);
  const std::string log = server_->Log();
  EXPECT_NE(log.find("reconciled the archive at start-up"), std::string::npos) << log;
  EXPECT_NE(log.find("sop=" + lost + ": the stored file"), std::string::npos) << log;
  EXPECT_NE(log.find("removed 1 incomplete incoming file"), std::string::npos) << log;
  EXPECT_EQ(Index().Rows("SELECT source FROM instances WHERE sop_instance_uid = ?1",
                         {orphan.sop_instance_uid}),
            (std::vector<Row>{{"reconcile"}}));
  EXPECT_EQ(Index().Rows("SELECT kind FROM events WHERE sop_instance_uid = ?1", {lost}),
            (std::vector<Row>{{"file_missing"}}));
  EXPECT_TRUE(fs::is_empty(StoragePath(".incoming")));
  EXPECT_NE(FindStudies().output.find(orphan.study_uid), std::string::npos);
}

TEST_F(ReconcileE2eTest, CheckAndReindexWorkWhileTheServerStores) {
  ASSERT_EQ(StoreScu(MakeSeries("a", 12)).exit_code, 0);
  ProcessResult sent;
  std::atomic<bool> sending{true};
  const auto batch = MakeSeries("b", 60);
  std::thread sender([&] {
    sent = StoreScu(batch);
    sending.store(false);
  });
  int checks = 0;
  do {  // check again and again for as long as the server is storing
    auto during = Pixeldex("check");
    ++checks;
    EXPECT_EQ(during.exit_code, 0) << during.output;
    EXPECT_NE(during.output.find("files and index agree"), std::string::npos) << during.output;
  } while (sending.load());
  sender.join();
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  RecordProperty("checks_while_storing", checks);

  // Damage: one file gone, one file changed, one stray file.
  const auto rows = Index().Rows("SELECT sop_instance_uid FROM instances ORDER BY 1 LIMIT 2");
  const std::string gone = rows[0][0], changed = rows[1][0];
  fs::remove(PathOf(gone));
  TestInstance edited;  // the same instance, edited in place by someone
  edited.sop_instance_uid = changed;
  edited.series_description = "edited behind the index's back";
  WriteTestInstance(PathOf(changed), edited);
  std::ofstream(StoragePath("stray.bin")) << "not cataloged";
  auto damaged = Pixeldex("check", {"--format", "jsonl"});
  EXPECT_EQ(damaged.exit_code, 1);
  EXPECT_NE(damaged.output.find(R"({"problem":"missing","sop_instance_uid":")" + gone),
            std::string::npos)
      << damaged.output;
  EXPECT_NE(damaged.output.find(R"({"problem":"mismatch","sop_instance_uid":")" + changed),
            std::string::npos)
      << damaged.output;
  // A file that is not DICOM is foreign: listed as a warning, not a problem.
  EXPECT_NE(damaged.output.find(R"({"problem":"foreign","sop_instance_uid":null,"path":"stray.bin")"),
            std::string::npos)
      << damaged.output;
  EXPECT_NE(damaged.output.find("2 problem(s), 1 warning(s)"), std::string::npos)
      << damaged.output;

  // Reindex while another sender stores; the stray file is not DICOM and
  // stays; the changed file is reported, not cataloged again.
  const auto more_batch = MakeSeries("c", 12);
  std::thread more([&] { sent = StoreScu(more_batch); });
  auto reindexed = Pixeldex("reindex");
  more.join();
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  EXPECT_EQ(reindexed.exit_code, 1) << reindexed.output;
  EXPECT_NE(reindexed.output.find("1 removed (file missing)"), std::string::npos)
      << reindexed.output;
  EXPECT_NE(reindexed.output.find("missing " + gone), std::string::npos) << reindexed.output;
  EXPECT_NE(reindexed.output.find("\n  corrupt                    1\n"), std::string::npos)
      << reindexed.output;
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), 12 + 60 + 12 - 1);
  const std::string description_sql =
      "SELECT series_description FROM instance_details WHERE sop_instance_uid = ?1";
  EXPECT_NE(Index().Scalar(description_sql, {changed}), "edited behind the index's back");
  EXPECT_EQ(Pixeldex("check").exit_code, 1);

  // A person accepts the edited file.
  auto accepted = Pixeldex("reindex", {"--accept-changed"});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.output;
  EXPECT_EQ(Index().Scalar(description_sql, {changed}), "edited behind the index's back");
  auto after = Pixeldex("check");
  EXPECT_EQ(after.exit_code, 0) << after.output;  // only the stray file remains: a warning
  EXPECT_NE(after.output.find("stray.bin"), std::string::npos) << after.output;
  EXPECT_NE(after.output.find("files and index agree, 1 warning(s)"), std::string::npos)
      << after.output;
  EXPECT_EQ(Echo().exit_code, 0);
}

TEST_F(ReconcileE2eTest, AnIoErrorAnswersA700LeavesNothingAndServingGoesOn) {
  TestInstance t;
  t.study_uid = UniqueUid("1.");
  // A regular file where the study's directory must go: the move into the
  // layout fails (ENOTDIR), as a broken file system would make it fail.
  std::ofstream(StoragePath(t.study_uid)) << "in the way";
  auto stored = StoreScu({MakeInstance(t, "x.dcm")}, {"-v"});
  EXPECT_NE(stored.output.find("Refused: OutOfResources"), std::string::npos) << stored.output;
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), 0);
  EXPECT_TRUE(fs::is_empty(StoragePath(".incoming")));
  EXPECT_EQ(Index().Rows("SELECT kind, status_code FROM events"),
            (std::vector<Row>{{"store_failed", std::to_string(0xA700)}}));
  EXPECT_NE(server_->Log().find("status A700"), std::string::npos) << server_->Log();
  EXPECT_EQ(Echo().exit_code, 0);
  EXPECT_EQ(FindStudies().exit_code, 0);

  fs::remove(StoragePath(t.study_uid));
  EXPECT_EQ(StoreScu({MakeInstance(t, "x.dcm")}).exit_code, 0);
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), 1);
}

// Starts a server whose files cannot grow beyond `limit` bytes (RLIMIT_FSIZE,
// with SIGXFSZ ignored, both inherited by the child): writing a larger
// incoming file fails half-way with EFBIG, as it would on a full disk.
std::unique_ptr<ServerProcess> StartWithFileSizeLimit(const ServerProcess::Options& options,
                                                      rlim_t limit) {
  struct rlimit saved_limit {};
  ::getrlimit(RLIMIT_FSIZE, &saved_limit);
  struct sigaction ignore {
  }, saved_action{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGXFSZ, &ignore, &saved_action);
  const struct rlimit small = {limit, saved_limit.rlim_max};
  ::setrlimit(RLIMIT_FSIZE, &small);
  std::unique_ptr<ServerProcess> server;
  std::exception_ptr failure;
  try {
    server = ServerProcess::Start(options);
  } catch (...) {
    failure = std::current_exception();
  }
  ::setrlimit(RLIMIT_FSIZE, &saved_limit);
  ::sigaction(SIGXFSZ, &saved_action, nullptr);
  if (failure) std::rethrow_exception(failure);
  return server;
}

TEST_F(ReconcileE2eTest, AWriteFailureWhileReceivingAnswersA700AndServingGoesOn) {
  ASSERT_EQ(server_->Stop(), 0);
  ServerProcess::Options options;
  options.storage = dir_ / "storage";
  options.index = dir_ / "index.db";
  options.log_file = dir_ / "limited.log";
  server_ = StartWithFileSizeLimit(options, 8 << 20);
  TestInstance big;
  big.sop_instance_uid = UniqueUid("3.");
  big.rows = 2048;
  big.columns = 4096;  // 16 MB of pixels: the write stops at 8 MB
  auto stored = StoreScu({MakeInstance(big, "big.dcm")}, {"-v"});
  EXPECT_NE(stored.output.find("Refused: OutOfResources"), std::string::npos) << stored.output;
  EXPECT_TRUE(fs::is_empty(StoragePath(".incoming")));
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), 0);
  EXPECT_EQ(Index().Rows("SELECT kind, sop_instance_uid, status_code FROM events"),
            (std::vector<Row>{{"store_failed", big.sop_instance_uid, std::to_string(0xA700)}}));
  EXPECT_EQ(Echo().exit_code, 0);
  EXPECT_EQ(FindStudies().exit_code, 0);
  EXPECT_EQ(StoreScu({MakeInstance(TestInstance{}, "small.dcm")}).exit_code, 0);
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), 1);
}

// Issue 13, finding 9: the write fails on the data set's last fragment. The
// whole data set has arrived, so A700 is due at once; DCMTK used to wait for
// a further fragment until the DIMSE timeout, then abort.
TEST_F(ReconcileE2eTest, AWriteFailureOnTheLastFragmentAnswersA700AtOnce) {
  ASSERT_EQ(server_->Stop(), 0);
  ServerProcess::Options options = ArchiveIn(dir_);
  options.log_file = dir_ / "limited.log";
  // Far longer than the wait for the status below: a stall cannot pass.
  options.extra_args = {"--set", "network.dimse_timeout=600"};
  server_ = StartWithFileSizeLimit(options, 8 << 20);
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  t.rows = 2048;
  t.columns = 2056;  // 8 MiB + 32 KiB of pixels: the file outgrows 8 MiB at the end
  const std::string dataset = DatasetBytes(MakeInstance(t, "edge.dcm"));
  const size_t head = (8 << 20) - (64 << 10);  // fits, with the meta header
  ASSERT_GT(dataset.size(), size_t{8} << 20);
  RawStoreClient client(server_->port(), t.sop_class_uid);
  ASSERT_TRUE(client.connected());
  ASSERT_GT(client.server_max_pdu(), dataset.size() - head) << "the tail must be one fragment";
  ASSERT_TRUE(client.SendCommand(t.sop_instance_uid));
  ASSERT_TRUE(client.SendData(dataset.substr(0, head), false));
  ASSERT_TRUE(client.SendData(dataset.substr(head), true));
  EXPECT_EQ(client.ReceiveStatus(120), 0xA700) << server_->Log();
  EXPECT_TRUE(fs::is_empty(StoragePath(".incoming")));
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), 0);
  EXPECT_EQ(Echo().exit_code, 0);
}

}  // namespace
}  // namespace pixeldex::testing
