// ProgressCallback: called while a long statement steps, and not once it is
// gone.

#include <gtest/gtest.h>

#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {
namespace {

// About 100,000 rows of work in one step.
constexpr const char* kLongStep =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)"
    " SELECT count(*) FROM n";

int64_t CountRows(Db& db) {
  auto stmt = db.Prepare(kLongStep);
  EXPECT_TRUE(stmt.ok()) << stmt.status().message();
  EXPECT_TRUE(stmt->Step());
  return stmt->Int(0);
}

TEST(ProgressCallbackTest, RunsDuringALongStepAndStopsWithItsScope) {
  auto db = Db::Open(":memory:", Db::Mode::kReadWrite);
  ASSERT_TRUE(db.ok()) << db.status().message();
  int calls = 0;
  {
    ProgressCallback progress(*db, 1000, [&] {
      ++calls;
      return false;
    });
    EXPECT_EQ(CountRows(*db), 100000);  // the statement itself goes on
    EXPECT_GT(calls, 100);
  }
  const int after_scope = calls;
  EXPECT_EQ(CountRows(*db), 100000);
  EXPECT_EQ(calls, after_scope);
}

TEST(ProgressCallbackTest, InterruptsTheStatementWhenItSaysSo) {
  auto db = Db::Open(":memory:", Db::Mode::kReadWrite);
  ASSERT_TRUE(db.ok()) << db.status().message();
  int calls = 0;
  {
    ProgressCallback progress(*db, 1000, [&] { return ++calls == 10; });
    auto stmt = db->Prepare(kLongStep);
    ASSERT_TRUE(stmt.ok());
    EXPECT_FALSE(stmt->Step());
    EXPECT_EQ(stmt->status().code(), Status::Code::kResourceExhausted) << stmt->status().message();
    EXPECT_EQ(calls, 10) << "interrupted at once";
  }
  EXPECT_EQ(CountRows(*db), 100000) << "the next statement runs to its end";
}

}  // namespace
}  // namespace pixeldex::index
