// Db::Open turns SQLite's process-wide allocation statistics off before the
// library initializes: kept, they make every allocation of every connection
// take one global mutex, and nothing in pixeldex reads them.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>

#include "catalog/index/sqlite_db.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::index {
namespace {

// Exit codes of the child below.
constexpr int kStatisticsOff = 0, kStatisticsKept = 1, kIndexFailed = 2;

// In a fresh process (gtest's "threadsafe" death-test style runs the test
// binary again for this test alone), so that no other test has initialized
// SQLite first.
TEST(SqliteStatistics, AreOffOnceAnIndexIsOpened) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const pixeldex::testing::TempDir dir;
  const std::string path = dir / "index.db";
  EXPECT_EXIT(
      {
        Result<Db> db = Db::Open(path, Db::Mode::kReadWrite);
        if (!db.ok() ||
            !db->Exec("CREATE TABLE t(x); INSERT INTO t VALUES (randomblob(100000))").ok()) {
          std::exit(kIndexFailed);
        }
        // 0 only while the statistics are off: an open connection holds
        // hundreds of kilobytes of SQLite's memory.
        std::exit(sqlite3_memory_used() == 0 ? kStatisticsOff : kStatisticsKept);
      },
      ::testing::ExitedWithCode(kStatisticsOff), "");
}

}  // namespace
}  // namespace pixeldex::index
