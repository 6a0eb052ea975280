// `pixeldex delete`, `protect` and `unprotect` end to end on a SQLite index
// (delete_cases.h); and, on SQLite only, a delete that waits for another
// process storing the same instance.

#include <chrono>
#include <future>

#include "catalog/index/index_writer.h"
#include "tests/export/delete_cases.h"
#include "tests/support/lock_waiters.h"

namespace pixeldex::testing {

INSTANTIATE_TEST_SUITE_P(Sqlite, DeleteTest, ::testing::Values(IndexKind::kSqlite));
INSTANTIATE_TEST_SUITE_P(Sqlite, ProtectedDeleteTest, ::testing::Values(IndexKind::kSqlite));

// This process stands for a server whose C-STORE of an instance holds the
// instance's lock (IndexWriter::LockInstance) between its duplicate check and
// its rows; `pixeldex delete` of that instance, another process, waits for
// it in the index's lock file (seen in /proc/locks), having touched nothing,
// and deletes the instance once the store is done.
class DeleteBesideAStoreTest : public DeleteTest {};
INSTANTIATE_TEST_SUITE_P(Sqlite, DeleteBesideAStoreTest, ::testing::Values(IndexKind::kSqlite));

TEST_P(DeleteBesideAStoreTest, ADeleteWaitsForAnotherProcessStoringTheInstance) {
  using namespace std::chrono_literals;
  auto writer = index::IndexWriter::Open(archive_.index_path());
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  const std::string uid = instances_[1].sop_instance_uid;
  auto store = (*writer)->LockInstance(uid);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto deleted = std::async(std::launch::async, [&] { return Delete({"--reason", "test", uid}); });
  EXPECT_TRUE(AwaitLockWaiters(archive_.index_path() + ".locks", 1));
  EXPECT_TRUE(fs::exists(StoredFile(1)));
  EXPECT_EQ(Rows(1), 1);
  EXPECT_EQ(deleted.wait_for(0s), std::future_status::timeout);
  store->reset();  // the store is done
  ASSERT_EQ(deleted.wait_for(60s), std::future_status::ready);
  const ProcessResult result = deleted.get();
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_FALSE(fs::exists(StoredFile(1)));
  EXPECT_EQ(Rows(1), 0);
  EXPECT_TRUE(fs::exists(StoredFile(0)));
}

}  // namespace pixeldex::testing
