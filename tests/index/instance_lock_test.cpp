// The instance and recycling locks of a SQLite index (IndexWriter::
// LockInstance and LockRecycling over the lock file, index_lock_file.h):
// in one process, a second lock of the same SOP Instance UID waits until the
// first is released, another UID's does not; two writers of one index (as
// two processes have: open file description locks conflict whatever
// process holds them) take turns in the lock file; one recycling pass at a
// time, skipped or waited for. (A real second process, `pixeldex delete`
// waiting for this one's store: tests/export/delete_e2e_test.cpp.) The
// lock file is made by the first lock, not by opening or writing the index;
// one that cannot be opened is a clear error, after which the UID can be
// locked again.
#include "catalog/index/index_lock_file.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <string>
#include <thread>

#include "catalog/common/fnv1a.h"
#include "catalog/index/index_writer.h"
#include "catalog/index/sqlite_index_backend.h"
#include "tests/support/lock_waiters.h"
#include "tests/support/sample_record.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::index {
namespace {

using namespace std::chrono_literals;

constexpr const char* kUid = "1.2.3";

// A UID whose lock shares neither this writer's mutex nor the lock file's
// byte with kUid's: locking it while kUid's is held must not wait.
std::string UnrelatedUid() {
  const auto stripe = [](const std::string& uid) {
    return Fnv1a64(uid) % IndexWriter::kInstanceStripes;
  };
  for (int n = 4;; ++n) {
    const std::string uid = "1.2." + std::to_string(n);
    if (stripe(uid) != stripe(kUid) && IndexLockFile::ByteOf(uid) != IndexLockFile::ByteOf(kUid)) {
      return uid;
    }
  }
}

class InstanceLockTest : public ::testing::Test {
 protected:
  std::unique_ptr<IndexWriter> OpenWriter() {
    auto writer = IndexWriter::Open(index_path_);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    return writer.ok() ? std::move(writer).value() : nullptr;
  }

  // Runs `take` on a thread and sees it wait in the kernel on the lock file
  // while `release` has not run, then runs `release` and sees `take` return.
  void ExpectWaitsInTheLockFileUntil(const std::function<void()>& take,
                                     const std::function<void()>& release) {
    std::atomic<bool> acquired{false};
    std::thread waiter([&] {
      take();
      acquired = true;
    });
    EXPECT_TRUE(testing::AwaitLockWaiters(lock_path_, 1));
    EXPECT_FALSE(acquired.load());
    release();
    waiter.join();
    EXPECT_TRUE(acquired.load());
  }

  testing::TempDir dir_;
  const std::string index_path_ = dir_ / "index.db";
  const std::string lock_path_ = index_path_ + ".locks";
};

TEST_F(InstanceLockTest, ASecondLockOfTheSameUidWaitsInOneProcessAndAnotherUidDoesNot) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  auto held = writer->LockInstance(kUid);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ASSERT_NE(*held, nullptr);

  std::promise<void> trying;
  std::promise<void> acquired;
  std::thread second([&] {
    trying.set_value();
    auto lock = writer->LockInstance(kUid);
    EXPECT_TRUE(lock.ok()) << lock.status().ToString();
    acquired.set_value();
  });
  trying.get_future().wait();
  // Another UID is not held up, on this thread or another.
  // (A lock is released on the thread that took it: std::mutex.)
  auto other = std::async(std::launch::async, [&] { return writer->LockInstance(UnrelatedUid()).ok(); });
  ASSERT_EQ(other.wait_for(30s), std::future_status::ready);
  ASSERT_TRUE(other.get());
  // The same UID is: the second locker has not got it while the first holds
  // it. (It waits on this writer's mutex, which nothing outside the process
  // can observe; a lock that let it through would take microseconds.)
  auto got = acquired.get_future();
  EXPECT_EQ(got.wait_for(200ms), std::future_status::timeout);
  held->reset();
  EXPECT_EQ(got.wait_for(30s), std::future_status::ready);
  second.join();
}

TEST_F(InstanceLockTest, TwoWritersOfOneIndexTakeTurnsInTheLockFile) {
  auto node_a = OpenWriter();
  auto node_b = OpenWriter();
  ASSERT_NE(node_a, nullptr);
  ASSERT_NE(node_b, nullptr);
  auto held = node_a->LockInstance(kUid);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  auto other = node_b->LockInstance(UnrelatedUid());
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  other->reset();

  // B waits in the kernel, on A's byte of the lock file.
  ExpectWaitsInTheLockFileUntil(
      [&] {
        auto lock = node_b->LockInstance(kUid);
        EXPECT_TRUE(lock.ok()) << lock.status().ToString();
      },
      [&] { held->reset(); });
  EXPECT_EQ(testing::LockWaiters(lock_path_), 0);
}

TEST_F(InstanceLockTest, OneRecyclingPassAtATimeSkippedOrWaitedFor) {
  auto node_a = OpenWriter();
  auto node_b = OpenWriter();
  ASSERT_NE(node_a, nullptr);
  ASSERT_NE(node_b, nullptr);
  auto held = node_a->LockRecycling(false);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ASSERT_TRUE(held->has_value());
  // Skipped by another thread of the same writer, and by another writer.
  auto same_writer = std::async(std::launch::async, [&] { return node_a->LockRecycling(false); });
  ASSERT_EQ(same_writer.wait_for(30s), std::future_status::ready);
  auto skipped_here = same_writer.get();
  ASSERT_TRUE(skipped_here.ok()) << skipped_here.status().ToString();
  EXPECT_FALSE(skipped_here->has_value());
  auto skipped = node_b->LockRecycling(false);
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  EXPECT_FALSE(skipped->has_value());
  // No instance's lock is held by it.
  auto instance = node_b->LockInstance(kUid);
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  instance->reset();

  ExpectWaitsInTheLockFileUntil(
      [&] {
        auto turn = node_b->LockRecycling(true);
        EXPECT_TRUE(turn.ok() && turn->has_value()) << turn.status().ToString();
      },
      [&] { held->reset(); });
  auto again = node_a->LockRecycling(false);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->has_value()) << "B's turn ended with its lock";
}

TEST_F(InstanceLockTest, OpeningAndWritingTheIndexMakeNoLockFile) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Write(testing::SampleRecord(kUid)).ok());
  ASSERT_TRUE(writer->FindCopy(kUid).ok());
  EXPECT_FALSE(std::filesystem::exists(lock_path_));
  auto held = writer->LockInstance(kUid);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(lock_path_));
}

TEST_F(InstanceLockTest, ALockFileThatCannotBeOpenedIsAnErrorNamingIt) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  // A folder where the file should be: open(2) fails (EISDIR) even for root.
  ASSERT_TRUE(std::filesystem::create_directory(lock_path_));
  auto refused = writer->LockInstance(kUid);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kIoError);
  EXPECT_NE(refused.status().message().find(lock_path_), std::string::npos)
      << refused.status().message();
  auto no_turn = writer->LockRecycling(true);
  ASSERT_FALSE(no_turn.ok());
  EXPECT_EQ(no_turn.status().code(), Status::Code::kIoError);
  // The failure held nothing: once the file can be made, the same UID and
  // the recycling turn are had at once.
  std::filesystem::remove(lock_path_);
  auto locked = std::async(std::launch::async, [&] {
    auto turn = writer->LockRecycling(false);
    return writer->LockInstance(kUid).ok() && turn.ok() && turn->has_value();
  });
  ASSERT_EQ(locked.wait_for(30s), std::future_status::ready);
  EXPECT_TRUE(locked.get());
}

}  // namespace
}  // namespace pixeldex::index
