#pragma once
// CrashRounds: the crash-safety rounds of crash_e2e_test.cpp, for any index
// backend. Several senders push while the real server is killed with
// SIGKILL at seeded random moments, round after round; in every other round
// the kill lands while stores wait for the index (another connection holds
// its write lock: LockIndexWrites), so files without rows are certain. After
// each restart (which reconciles) every instance that was acknowledged with
// 0000 must be there exactly once, its file's SHA-256 the index's; no file in
// the layout may lack rows, no row its file, and no temporary file may be
// visible. The seed makes a failing run reproducible (it is in the output).
// A subclass names the index (index_) and how to hold its write lock.

#include <dcmtk/oflog/oflog.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "tests/support/archive_audit.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/index_probe.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/store_sender.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::testing {


constexpr uint32_t kSeed = 20261201;
constexpr int kRounds = 5;
constexpr int kSenders = 3;
constexpr int kFilesPerSender = 30;
constexpr auto kRoundDeadline = std::chrono::seconds(60);

// Acknowledged SOP Instance UIDs, shared by the sender threads.
class Acknowledgements {
 public:
  void Add(const std::string& uid) {
    {
      std::lock_guard lock(mutex_);
      uids_.insert(uid);
      ++this_round_;
    }
    changed_.notify_all();
  }
  void SenderDone() {
    {
      std::lock_guard lock(mutex_);
      ++senders_done_;
    }
    changed_.notify_all();
  }
  void StartRound() {
    std::lock_guard lock(mutex_);
    this_round_ = 0;
    senders_done_ = 0;
  }
  // Waits until `count` were acknowledged this round, every sender stopped,
  // or the deadline passed; returns how many were acknowledged this round.
  int WaitFor(int count, int senders) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, kRoundDeadline,
                      [&] { return this_round_ >= count || senders_done_ == senders; });
    return this_round_;
  }
  std::set<std::string> All() const {
    std::lock_guard lock(mutex_);
    return uids_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::set<std::string> uids_;
  int this_round_ = 0;
  int senders_done_ = 0;
};

// Holds an index's write lock from another connection while it lives.
class HeldWriteLock {
 public:
  virtual ~HeldWriteLock() = default;
  virtual bool locked() const = 0;
};

class CrashRounds : public ::testing::Test {
 protected:
  // The senders' own complaints about the dying server are expected noise.
  void SetUp() override { OFLog::configure(OFLogger::FATAL_LOG_LEVEL); }

  std::unique_ptr<ServerProcess> StartServer(int round) {
    ServerProcess::Options options;
    options.storage = storage_;
    options.index = index_;
    options.log_file = dir_ / ("server-" + std::to_string(round) + ".log");
    return ServerProcess::Start(options);
  }

  // Fresh instances for one sender in one round; a few are large enough
  // that a kill often lands while one is being received.
  std::vector<SentFile> MakeFiles(int round, int sender, std::mt19937& rng) {
    std::vector<SentFile> files;
    TestInstance t;
    t.study_uid = UniqueUid("1.");
    t.series_uid = UniqueUid("2.");
    for (int i = 0; i < kFilesPerSender; ++i) {
      t.sop_instance_uid = UniqueUid("3.");
      t.instance_number = i + 1;
      t.rows = t.columns = (rng() % 4 == 0) ? 512 : 16;
      const std::string path = dir_ / ("r" + std::to_string(round) + "-s" + std::to_string(sender) +
                                       "-" + std::to_string(i) + ".dcm");
      WriteTestInstance(path, t);
      files.push_back({path, t.sop_class_uid, t.sop_instance_uid});
    }
    return files;
  }

  // The promises a restarted server keeps about everything acknowledged.
  void ExpectDurable(const std::set<std::string>& acknowledged) {
    const ArchiveAudit audit = AuditArchive(storage_, index_);
    EXPECT_TRUE(audit.Consistent()) << audit.Describe();
    IndexProbe index(index_);
    for (const std::string& uid : acknowledged) {
      EXPECT_EQ(index.Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?1", {uid}), 1)
          << "acknowledged but not cataloged: " << uid;
    }
    EXPECT_GE(audit.rows, static_cast<long long>(acknowledged.size()));
  }

  // The index's write lock, held from another connection.
  virtual std::unique_ptr<HeldWriteLock> LockIndexWrites() = 0;

  // The rounds, then a last start that must find everything acknowledged:
  // server_, left running. A test checks HasFatalFailure() after it.
  void RunRounds();

  TempDir dir_;
  const std::string storage_ = dir_ / "storage";
  std::string index_ = dir_ / "index.db";
  std::unique_ptr<ServerProcess> server_;
};

inline void CrashRounds::RunRounds() {
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  std::mt19937 rng(kSeed);
  Acknowledgements acks;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    auto server = StartServer(round);
    ExpectDurable(acks.All());  // what the previous kill left, reconciled at start
    if (round > 0) {
      EXPECT_NE(server->Log().find("reconciled the archive at start-up"), std::string::npos)
          << server->Log();
    }

    std::vector<std::vector<SentFile>> batches;
    for (int s = 0; s < kSenders; ++s) batches.push_back(MakeFiles(round, s, rng));
    const int kill_after = 1 + static_cast<int>(rng() % (kSenders * kFilesPerSender / 2));
    acks.StartRound();
    std::vector<std::thread> senders;
    for (int s = 0; s < kSenders; ++s) {
      senders.emplace_back([&, s, port = server->port()] {
        StoreSender sender("SENDER" + std::to_string(s), port);
        sender.Send(batches[s], [&](const std::string& uid) { acks.Add(uid); });
        acks.SenderDone();
      });
    }
    const int acknowledged = acks.WaitFor(kill_after, kSenders);
    if (round % 2 == 1) {
      // Odd rounds: the kill lands while stores wait for the index.
      const std::unique_ptr<HeldWriteLock> lock = LockIndexWrites();
      ASSERT_TRUE(lock->locked());
      EXPECT_TRUE(WaitForFileWithoutRows(storage_, index_, std::chrono::seconds(20)))
          << server->Log();
      server->Kill();
    } else {
      server->Kill();
    }
    for (std::thread& t : senders) t.join();
    EXPECT_GE(acknowledged, 1) << "the senders never got going";
    // What the kill left for the next start to reconcile (for the record).
    const ArchiveAudit left = AuditArchive(storage_, index_);
    std::printf(
        "round %d: killed after %d acknowledged; left %zu file(s) without rows, %zu "
        "temporary file(s)\n",
        round, acknowledged, left.files_without_row.size(), left.temporary_files.size());
  }

  server_ = StartServer(kRounds);
  const std::set<std::string> acknowledged = acks.All();
  ExpectDurable(acknowledged);
  EXPECT_GE(acknowledged.size(), static_cast<size_t>(kRounds));
}

}  // namespace pixeldex::testing
