// End to end with the real binary: a flipped byte is reported by check,
// reindex and the server's start until a person accepts it, and reindex
// speaks its own words; serve binds its port before it reconciles, and warns
// at start when storage is already below storage.min_free_mb.

#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/taken_port.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

class IntegrityE2eTest : public ServerTest {
 protected:
  ProcessResult Pixeldex(const std::string& command,
                         const std::vector<std::string>& args = {}) const {
    return PixeldexOn(dir_, command, args);
  }
  static long long SummaryCount(const std::string& output, const std::string& label) {
    std::smatch m;
    if (!std::regex_search(output, m, std::regex("\n  " + label + " +([0-9]+)\n"))) return -1;
    return std::stoll(m[1]);
  }
};

TEST_F(IntegrityE2eTest, AFlippedByteIsReportedEverywhereUntilAccepted) {
  TestInstance t;
  t.study_uid = UniqueUid("1.");
  t.series_uid = UniqueUid("2.");
  ASSERT_EQ(StoreScu(MakeInstances(t, 3, "i")).exit_code, 0);
  const auto rows = Index().Rows("SELECT sop_instance_uid, path, sha256 FROM instances LIMIT 1");
  const std::string sop = rows[0][0], path = rows[0][1], recorded = rows[0][2];
  FlipByteKeepingTimes(StoragePath(path));

  auto check = Pixeldex("check");
  EXPECT_EQ(check.exit_code, 1) << check.output;
  EXPECT_NE(check.output.find("mismatch"), std::string::npos) << check.output;

  // Before: reindex recorded the corrupted file's hash without a word, with a
  // duplicate_replaced event per instance, and the next check was clean.
  auto reindex = Pixeldex("reindex");
  EXPECT_EQ(reindex.exit_code, 1) << reindex.output;
  EXPECT_EQ(SummaryCount(reindex.output, "corrupt"), 1) << reindex.output;
  EXPECT_EQ(SummaryCount(reindex.output, "rebuilt"), 2) << reindex.output;
  EXPECT_EQ(reindex.output.find("imported"), std::string::npos) << reindex.output;
  EXPECT_EQ(reindex.output.find("replaced"), std::string::npos) << reindex.output;
  EXPECT_EQ(Index().Scalar("SELECT sha256 FROM instances WHERE sop_instance_uid = ?1", {sop}),
            recorded);
  EXPECT_EQ(Index().Count("SELECT count(*) FROM events WHERE kind = 'duplicate_replaced'"), 0);
  EXPECT_EQ(Index().Rows("SELECT sop_instance_uid FROM events WHERE kind = 'file_corrupt'"),
            (std::vector<Row>{{sop}}));
  EXPECT_EQ(Pixeldex("check").exit_code, 1);

  // A restart reports it again (a reported corruption is verified until resolved).
  ASSERT_EQ(server_->Stop(), 0);
  ServerProcess::Options options = ArchiveIn(dir_);
  options.log_file = dir_ / "restart.log";
  server_ = ServerProcess::Start(options);
  const std::string log = server_->Log();
  EXPECT_NE(log.find("sop=" + sop + ": the stored file " + path + " no longer matches"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("1 corrupt"), std::string::npos) << log;

  auto accepted = Pixeldex("reindex", {"--accept-changed"});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.output;
  EXPECT_EQ(SummaryCount(accepted.output, "rebuilt"), 3) << accepted.output;
  auto clean = Pixeldex("check");
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_EQ(Index().Count("SELECT count(*) FROM events WHERE kind = 'file_corrupt'"), 1);
}

TEST(StartE2eTest, ABusyPortFailsTheStartBeforeReconciling) {
  TempDir dir;
  // A stored file without rows: a start that reconciled would catalog it.
  TestInstance orphan;
  const std::string orphan_path = dir / "storage/orphan.dcm";
  fs::create_directories(dir / "storage");
  WriteTestInstance(orphan_path, orphan);
  const TakenPort taken(TakenPort::On::kAnyAddress);
  ASSERT_NE(taken.port(), 0);
  auto busy = RunProcess({PIXELDEX_BINARY, "serve", "--port", taken.port_string(), "--storage",
                          dir / "storage", "--index", dir / "index.db"});
  EXPECT_EQ(busy.exit_code, 1) << busy.output;
  EXPECT_NE(busy.output.find("cannot listen on port " + taken.port_string()), std::string::npos)
      << busy.output;
  EXPECT_EQ(busy.output.find("reconciled the archive"), std::string::npos) << busy.output;
  EXPECT_EQ(IndexProbe(dir / "index.db").Count("SELECT count(*) FROM instances"), 0);
}

// The HTTP port too (issue 14): it is bound before the archive is
// reconciled, so a busy one is reported at once.
TEST(StartE2eTest, ABusyHttpPortFailsTheStartBeforeReconciling) {
  TempDir dir;
  TestInstance orphan;
  fs::create_directories(dir / "storage");
  WriteTestInstance(dir / "storage/orphan.dcm", orphan);
  const TakenPort taken(TakenPort::On::kLoopback);
  ASSERT_NE(taken.port(), 0);
  const std::string address = "127.0.0.1:" + taken.port_string();
  auto busy = RunProcess({PIXELDEX_BINARY, "serve", "--port", "0", "--storage", dir / "storage",
                          "--index", dir / "index.db", "--http", address});
  EXPECT_EQ(busy.exit_code, 1) << busy.output;
  EXPECT_NE(busy.output.find("cannot listen on " + address), std::string::npos) << busy.output;
  EXPECT_EQ(busy.output.find("reconciled the archive"), std::string::npos) << busy.output;
  EXPECT_EQ(busy.output.find("listening"), std::string::npos) << busy.output;
  // Refused before the archive was even opened: no index, the orphan uncataloged.
  EXPECT_FALSE(fs::exists(dir / "index.db"));
}

TEST(StartE2eTest, StorageAlreadyBelowItsThresholdIsAWarningWithTheNumbers) {
  TempDir dir;
  ServerProcess::Options options = ArchiveIn(dir);
  // More free space than any test machine has.
  options.extra_args = {"--set", "storage.min_free_mb=1000000000"};
  auto server = ServerProcess::Start(options);
  const std::regex warning("storage .*: free space [0-9]+ MB is below storage.min_free_mb "
                           "1000000000; C-STOREs are refused \\(A700\\)");
  EXPECT_TRUE(std::regex_search(server->Log(), warning)) << server->Log();
}

}  // namespace
}  // namespace pixeldex::testing
