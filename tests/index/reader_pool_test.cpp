// The server's pool of read-only index connections: reuse, its bound, and
// the connections it must not keep (an open statement or transaction, a
// failed call, a changed schema); a pooled connection pins no WAL snapshot,
// and keeps its users' statements (statement_cache.h) reset.

#include "catalog/index/reader_pool.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace pixeldex::index {
namespace {

class ReaderPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Db::Open(path_, Db::Mode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    writer_.emplace(std::move(db).value());
    ASSERT_TRUE(writer_->Exec("PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1)").ok());
  }

  int64_t Count(Db& db) {
    auto stmt = db.Prepare("SELECT count(*) FROM t");
    EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
    if (!stmt.ok() || !stmt->Step()) return -1;
    return stmt->Int(0);
  }

  // A passive checkpoint on the writer: true when it copied the whole WAL
  // back, which a reader still on an older snapshot prevents.
  bool CheckpointCompletes() {
    auto stmt = writer_->Prepare("PRAGMA wal_checkpoint(PASSIVE)");
    EXPECT_TRUE(stmt.ok());
    return stmt.ok() && stmt->Step() && stmt->Int(0) == 0 && stmt->Int(1) == stmt->Int(2);
  }

  pixeldex::testing::TempDir dir_;
  std::string path_ = dir_ / "index.db";
  std::optional<Db> writer_;
  ReaderPool pool_{path_, 2};
};

TEST_F(ReaderPoolTest, AReturnedConnectionIsReusedAndSeesLaterCommits) {
  {
    auto reader = pool_.Acquire();
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ(Count(reader->db()), 1);
  }
  EXPECT_EQ(pool_.idle(), 1u);
  ASSERT_TRUE(writer_->Exec("INSERT INTO t VALUES (2)").ok());
  auto reader = pool_.Acquire();
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(Count(reader->db()), 2);
  EXPECT_EQ(pool_.opened(), 1);
  EXPECT_EQ(pool_.idle(), 0u);
}

TEST_F(ReaderPoolTest, UsersAreNeverLimitedButAtMostMaxIdleWait) {
  {
    std::vector<PooledReader> readers;
    for (int i = 0; i < 5; ++i) {
      auto reader = pool_.Acquire();
      ASSERT_TRUE(reader.ok());
      readers.push_back(std::move(reader).value());
    }
    EXPECT_EQ(pool_.opened(), 5);
  }
  EXPECT_EQ(pool_.idle(), 2u);
}

TEST_F(ReaderPoolTest, APooledConnectionPinsNoSnapshot) {
  {
    auto reader = pool_.Acquire();
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ(Count(reader->db()), 1);
  }
  ASSERT_EQ(pool_.idle(), 1u);
  ASSERT_TRUE(writer_->Exec("INSERT INTO t VALUES (2)").ok());
  EXPECT_TRUE(CheckpointCompletes());
}

TEST_F(ReaderPoolTest, AConnectionReturnedInsideAReadIsClosed) {
  std::optional<Statement> stmt;
  {
    auto reader = pool_.Acquire();
    ASSERT_TRUE(reader.ok());
    auto prepared = reader->db().Prepare("SELECT x FROM t");
    ASSERT_TRUE(prepared.ok());
    stmt.emplace(std::move(prepared).value());
    ASSERT_TRUE(stmt->Step());  // a read transaction is open
    ASSERT_TRUE(writer_->Exec("INSERT INTO t VALUES (2)").ok());
    EXPECT_FALSE(CheckpointCompletes());  // its snapshot is pinned while it reads
  }
  EXPECT_EQ(pool_.idle(), 0u);
  stmt.reset();  // the last user lets go: the connection closes
  EXPECT_TRUE(CheckpointCompletes());
}

TEST_F(ReaderPoolTest, AKeptStatementComesBackResetAndKeepsItsConnectionPooled) {
  const std::string sql = "SELECT x FROM t WHERE x >= ? ORDER BY x";
  {
    auto reader = pool_.Acquire();
    ASSERT_TRUE(reader.ok());
    auto stmt = reader->statements().Take(reader->db(), sql);
    ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
    stmt->Bind(1, int64_t{1});
    ASSERT_TRUE(stmt->Step());  // a read transaction is open until it is given back
    reader->statements().Give(sql, std::move(stmt).value());
    EXPECT_EQ(reader->statements().size(), 1u);
  }
  EXPECT_EQ(pool_.idle(), 1u);  // kept, reset: the connection is pooled
  ASSERT_TRUE(writer_->Exec("INSERT INTO t VALUES (2)").ok());
  EXPECT_TRUE(CheckpointCompletes());  // and pins no snapshot
  auto reader = pool_.Acquire();
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(pool_.opened(), 1);
  auto again = reader->statements().Take(reader->db(), sql);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(reader->statements().size(), 0u);  // handed out: no longer kept
  again->Bind(1, int64_t{2});
  ASSERT_TRUE(again->Step());  // sees the commit made meanwhile, with the new binding
  EXPECT_EQ(again->Int(0), 2);
  EXPECT_FALSE(again->Step());
}

TEST_F(ReaderPoolTest, AStatementCacheDropsTheLeastRecentlyGivenBeyondItsCapacity) {
  auto reader = pool_.Acquire();
  ASSERT_TRUE(reader.ok());
  StatementCache cache(2);
  for (const char* sql : {"SELECT 1", "SELECT 2", "SELECT 3"}) {
    auto stmt = cache.Take(reader->db(), sql);
    ASSERT_TRUE(stmt.ok());
    cache.Give(sql, std::move(stmt).value());
  }
  EXPECT_EQ(cache.size(), 2u);
  auto newest = cache.Take(reader->db(), "SELECT 3");
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(cache.size(), 1u);  // "SELECT 3" was kept
  auto oldest = cache.Take(reader->db(), "SELECT 1");
  ASSERT_TRUE(oldest.ok());
  EXPECT_EQ(cache.size(), 1u);  // "SELECT 1" was dropped: prepared anew
  ASSERT_TRUE(oldest->Step());
  EXPECT_EQ(oldest->Int(0), 1);
}

TEST_F(ReaderPoolTest, AConnectionWhoseLastCallFailedIsClosed) {
  {
    auto reader = pool_.Acquire();
    ASSERT_TRUE(reader.ok());
    EXPECT_FALSE(reader->db().Exec("SELECT * FROM no_such_table").ok());
  }
  EXPECT_EQ(pool_.idle(), 0u);
}

TEST_F(ReaderPoolTest, AChangedSchemaRetiresPooledConnections) {
  { ASSERT_TRUE(pool_.Acquire().ok()); }
  ASSERT_EQ(pool_.idle(), 1u);
  ASSERT_TRUE(writer_->Exec("CREATE TABLE u(y)").ok());
  auto reader = pool_.Acquire();
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(pool_.opened(), 2);
  EXPECT_TRUE(reader->db().Exec("SELECT y FROM u").ok());
}

TEST_F(ReaderPoolTest, AMigrationRetiresPooledConnections) {
  { ASSERT_TRUE(pool_.Acquire().ok()); }
  ASSERT_TRUE(writer_->Exec("PRAGMA user_version=99").ok());
  ASSERT_TRUE(pool_.Acquire().ok());
  EXPECT_EQ(pool_.opened(), 2);
}

TEST_F(ReaderPoolTest, AReplacedIndexFileRetiresPooledConnections) {
  { ASSERT_TRUE(pool_.Acquire().ok()); }
  {
    auto other = Db::Open(dir_ / "other.db", Db::Mode::kReadWrite);
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE(other->Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)").ok());
  }
  writer_.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  std::filesystem::rename(dir_ / "other.db", path_);
  auto reader = pool_.Acquire();
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(pool_.opened(), 2);
  EXPECT_EQ(Count(reader->db()), 3);
}

TEST_F(ReaderPoolTest, ARemovedIndexFileIsAnErrorNotAnOldAnswer) {
  { ASSERT_TRUE(pool_.Acquire().ok()); }
  writer_.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  EXPECT_FALSE(pool_.Acquire().ok());
  EXPECT_EQ(pool_.idle(), 0u);
}

}  // namespace
}  // namespace pixeldex::index
