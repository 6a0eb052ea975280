// Crash safety on a real PostgreSQL index, end to end (issue 18):
//   - the rounds of tests/e2e/crash_rounds.h: a node killed with SIGKILL at
//     seeded random moments while senders push, in every other round while
//     its stores wait for the index (a transaction locks the instances
//     table); each restart reconciles, and every acknowledged instance is
//     there exactly once, no file without rows, no row without its file;
//   - two nodes on one storage root and one database: node A is killed while
//     node B has stores in flight (files committed, rows not yet), and B is
//     held there (SIGSTOP) while A restarts and walks the whole tree. A
//     catalogs its own in-flight files and leaves B's alone (it neither
//     catalogs nor removes them, nor waits for B's uncommitted rows); B,
//     let go, finishes them. Then the archive is consistent and every
//     acknowledged instance is there exactly once.

#include <signal.h>

#include <filesystem>
#include <mutex>
#include <optional>

#include "catalog/index/postgres/pg_connection.h"
#include "tests/e2e/crash_rounds.h"
#include "tests/support/postgres_server.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

// Holds a lock on the instances table that every insert waits for (SQL
// command reference, LOCK: SHARE conflicts with ROW EXCLUSIVE), as a long
// transaction of another client could.
class PgWriteLock final : public HeldWriteLock {
 public:
  explicit PgWriteLock(const std::string& uri) {
    auto conn = index::postgres::PgConnection::Open(uri);
    if (!conn.ok()) return;
    conn_.emplace(std::move(conn).value());
    locked_ = conn_->Exec("BEGIN").ok() && conn_->Exec("LOCK TABLE instances IN SHARE MODE").ok();
  }
  ~PgWriteLock() override {
    if (conn_) (void)conn_->Exec("ROLLBACK");
  }
  bool locked() const override { return locked_; }

 private:
  std::optional<index::postgres::PgConnection> conn_;
  bool locked_ = false;
};

class PgCrashE2eTest : public CrashRounds {
 protected:
  PgCrashE2eTest() { index_ = postgres_.Uri(); }
  std::unique_ptr<HeldWriteLock> LockIndexWrites() override {
    return std::make_unique<PgWriteLock>(index_);
  }

  PostgresServer postgres_;
};

TEST_F(PgCrashE2eTest, AcknowledgedInstancesSurviveSigkillAtRandomMoments) {
  RunRounds();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(server_->Stop(), 0);
  const ArchiveAudit audit = AuditArchive(storage_, index_);
  EXPECT_TRUE(audit.Consistent()) << audit.Describe();
}

class PgTwoNodesCrashE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { OFLog::configure(OFLogger::FATAL_LOG_LEVEL); }

  std::unique_ptr<ServerProcess> StartNode(const std::string& name,
                                           std::vector<std::string> extra_args = {}) {
    ServerProcess::Options options;
    options.storage = storage_;
    options.index = postgres_.Uri();
    options.log_file = dir_ / (name + ".log");
    options.extra_args = std::move(extra_args);
    return ServerProcess::Start(options);
  }

  // Instances of a patient and study of their own (so that no two senders'
  // rows share a patient or study row).
  std::vector<SentFile> MakeFiles(const std::string& name, int count) {
    std::vector<SentFile> files;
    TestInstance t;
    t.patient_id = "PID-" + name;
    t.study_uid = UniqueUid("1.");
    t.series_uid = UniqueUid("2.");
    for (int i = 0; i < count; ++i) {
      t.sop_instance_uid = UniqueUid("3.");
      t.instance_number = i + 1;
      const std::string path = dir_ / (name + "-" + std::to_string(i) + ".dcm");
      WriteTestInstance(path, t);
      files.push_back({path, t.sop_class_uid, t.sop_instance_uid});
    }
    return files;
  }

  // The in-flight journal entries of process `pid`: files in an incoming
  // directory named by it, with a second link (file_store.h).
  std::vector<fs::path> InFlightOf(pid_t pid) const {
    std::vector<fs::path> entries;
    const std::string prefix = std::to_string(pid) + "-";
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(storage_) / ".incoming", ec)) {
      if (entry.is_regular_file(ec) && entry.path().filename().string().starts_with(prefix) &&
          entry.hard_link_count(ec) > 1) {
        entries.push_back(entry.path());
      }
    }
    return entries;
  }

  // Polls until both processes have stores in flight, or `timeout` passes.
  bool WaitForInFlight(pid_t a, pid_t b, std::chrono::seconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!InFlightOf(a).empty() && !InFlightOf(b).empty()) return true;
      std::this_thread::yield();
    }
    return false;
  }

  TempDir dir_;
  PostgresServer postgres_;
  const std::string storage_ = dir_ / "storage";
};

TEST_F(PgTwoNodesCrashE2eTest, ARestartedNodeLeavesAnotherNodesInFlightStoresToIt) {
  auto node_a = StartNode("a-0");
  auto node_b = StartNode("b");
  const std::vector<SentFile> to_a = MakeFiles("a", 20);
  std::vector<std::vector<SentFile>> to_b = {MakeFiles("b1", 20), MakeFiles("b2", 20)};
  std::mutex mutex;
  std::set<std::string> acknowledged;
  auto acknowledge = [&](const std::string& uid) {
    std::lock_guard lock(mutex);
    acknowledged.insert(uid);
  };
  std::vector<std::thread> senders;
  std::vector<fs::path> b_in_flight;
  {
    PgWriteLock lock(postgres_.Uri());
    ASSERT_TRUE(lock.locked());
    senders.emplace_back([&, port = node_a->port()] {
      StoreSender("SENDER-A", port).Send(to_a, acknowledge);
    });
    for (const auto& files : to_b) {
      senders.emplace_back([&, port = node_b->port()] {
        StoreSender("SENDER-B", port).Send(files, acknowledge);
      });
    }
    const bool in_flight =
        WaitForInFlight(node_a->pid(), node_b->pid(), std::chrono::seconds(30));
    // B is held with its stores in flight, A dies with its own.
    node_b->Signal(SIGSTOP);
    node_a->Kill();
    b_in_flight = InFlightOf(node_b->pid());
    if (!in_flight) {
      node_b->Signal(SIGCONT);
      for (std::thread& t : senders) t.join();
      FAIL() << "no stores in flight on both nodes\n" << node_a->Log() << node_b->Log();
    }
  }
  // B's insert runs on in the database now, uncommitted while B is stopped.
  // A's restart walks the whole tree; it must neither wait for B's rows nor
  // touch B's files.
  node_a = StartNode("a-1", {"--set", "storage.walk_at_start=true"});
  EXPECT_NE(node_a->Log().find("reconciled the archive at start-up"), std::string::npos)
      << node_a->Log();
  ASSERT_FALSE(b_in_flight.empty());
  for (const fs::path& entry : b_in_flight) {
    EXPECT_TRUE(fs::exists(entry)) << entry;
    EXPECT_EQ(fs::hard_link_count(entry), 2u) << entry;
  }
  std::set<std::string> a_uids;
  for (const SentFile& f : to_a) a_uids.insert(f.sop_instance_uid);
  IndexProbe index(postgres_.Uri());
  const std::vector<Row> reconciled =
      index.Rows("SELECT sop_instance_uid FROM instances WHERE source = 'reconcile'");
  EXPECT_FALSE(reconciled.empty()) << "A's own in-flight files were not cataloged";
  for (const Row& row : reconciled) {
    EXPECT_TRUE(a_uids.contains(row[0])) << "A cataloged another node's file: " << row[0];
  }

  node_b->Signal(SIGCONT);
  for (std::thread& t : senders) t.join();
  EXPECT_EQ(node_b->Stop(), 0) << node_b->Log();
  EXPECT_EQ(node_a->Stop(), 0) << node_a->Log();
  for (const fs::path& entry : b_in_flight) EXPECT_FALSE(fs::exists(entry)) << entry;
  const ArchiveAudit audit = AuditArchive(storage_, postgres_.Uri());
  EXPECT_TRUE(audit.Consistent()) << audit.Describe();
  for (const std::string& uid : acknowledged) {
    EXPECT_EQ(index.Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?1", {uid}), 1)
        << "acknowledged but not cataloged once: " << uid;
  }
}

}  // namespace
}  // namespace pixeldex::testing
