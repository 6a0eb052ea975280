// PgRowCursor against a real PostgreSQL (tests/support/postgres_server.h):
// every row once and in order across FETCH batches (256 rows) and at their
// boundaries; values bound as parameters, never spliced; the read-only
// transaction, its statement_timeout and, when asked, its planning for
// every row (cursor_tuple_fraction) end with the cursor, leaving the
// connection fit for the next one; a statement past its timeout fails the
// step that runs it instead of running on.
#include "catalog/index/postgres/pg_row_cursor.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/support/postgres_server.h"

namespace pixeldex::index::postgres {
namespace {

using std::chrono::milliseconds;
using testing::PostgresServer;

class PgRowCursorE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new PostgresServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    auto conn = PgConnection::Open(server_->Uri());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_.emplace(std::move(conn).value());
  }

  // Every value of column 0, by stepping a cursor over `sql`.
  std::vector<std::string> ReadAll(const std::string& sql, std::vector<PgParam> params,
                                   milliseconds timeout = milliseconds(0)) {
    auto cursor = PgRowCursor::Open(*conn_, sql, params, timeout);
    EXPECT_TRUE(cursor.ok()) << cursor.status().ToString();
    std::vector<std::string> values;
    if (!cursor.ok()) return values;
    for (;;) {
      auto row = (*cursor)->Step();
      EXPECT_TRUE(row.ok()) << row.status().ToString();
      if (!row.ok() || !*row) break;
      values.push_back((*cursor)->IsNull(0) ? "NULL" : (*cursor)->Text(0));
    }
    return values;
  }

  std::string Show(const std::string& setting) {
    auto rows = conn_->Exec("SELECT current_setting($1)", {PgParam::Text(setting)});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? std::string(rows->Text(0, 0)) : "";
  }

  static PostgresServer* server_;
  std::optional<PgConnection> conn_;
};
PostgresServer* PgRowCursorE2eTest::server_ = nullptr;

TEST_F(PgRowCursorE2eTest, EveryRowOnceInOrderAcrossBatchBoundaries) {
  for (int count : {0, 1, 255, 256, 257, 512, 600}) {
    SCOPED_TRACE(count);
    const auto values =
        ReadAll("SELECT g FROM generate_series(1, $1::int) g ORDER BY g", {PgParam::Int(count)});
    ASSERT_EQ(values.size(), static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) ASSERT_EQ(values[i], std::to_string(i + 1));
  }
}

TEST_F(PgRowCursorE2eTest, ValuesAreBoundNeverSpliced) {
  const std::string hostile = "O'Brien'); DROP TABLE x; --\\";
  EXPECT_EQ(ReadAll("SELECT $1::text UNION ALL SELECT NULL", {PgParam::Text(hostile)}),
            (std::vector<std::string>{hostile, "NULL"}));
}

TEST_F(PgRowCursorE2eTest, IntegersAndByteaAreDecoded) {
  const std::string bytes("\0\xff\\A", 4);
  const std::vector<PgParam> params = {PgParam::Int(-9000000000), PgParam::Bytes(bytes)};
  auto cursor = PgRowCursor::Open(*conn_,
                                  "SELECT $1::bigint, $2::bytea, NULL::bigint, NULL::bytea "
                                  "UNION ALL SELECT 7, '', 0, ''",
                                  params, milliseconds(0));
  ASSERT_TRUE(cursor.ok()) << cursor.status().ToString();
  ASSERT_TRUE((*cursor)->Step().value());
  EXPECT_EQ((*cursor)->Int(0), -9000000000);
  EXPECT_EQ((*cursor)->Bytes(1).value(), bytes);
  EXPECT_EQ((*cursor)->Int(2), 0);  // NULL
  EXPECT_TRUE((*cursor)->IsNull(3));
  EXPECT_EQ((*cursor)->Bytes(3).value(), "");
  ASSERT_TRUE((*cursor)->Step().value());
  EXPECT_EQ((*cursor)->TextView(0), "7");
  EXPECT_EQ((*cursor)->Bytes(1).value(), "");
  EXPECT_FALSE((*cursor)->Step().value());
}

TEST_F(PgRowCursorE2eTest, TransactionAndTimeoutEndWithTheCursor) {
  const std::string default_timeout = Show("statement_timeout");
  const std::string default_fraction = Show("cursor_tuple_fraction");
  ASSERT_NE(default_fraction, "1");
  {
    auto cursor = PgRowCursor::Open(*conn_, "SELECT 1", {}, milliseconds(60000));
    ASSERT_TRUE(cursor.ok()) << cursor.status().ToString();
    EXPECT_EQ(Show("statement_timeout"), "1min");
    EXPECT_EQ(Show("transaction_read_only"), "on");
    EXPECT_EQ(Show("cursor_tuple_fraction"), default_fraction);  // to start early
  }
  EXPECT_EQ(Show("statement_timeout"), default_timeout);
  EXPECT_EQ(Show("transaction_read_only"), "off");
  {
    auto cursor = PgRowCursor::Open(*conn_, "SELECT 1", {}, milliseconds(60000),
                                    PgRowCursor::Planning::kAllRows);
    ASSERT_TRUE(cursor.ok()) << cursor.status().ToString();
    EXPECT_EQ(Show("statement_timeout"), "1min");
    EXPECT_EQ(Show("cursor_tuple_fraction"), "1");  // planned for every row
  }
  EXPECT_EQ(Show("cursor_tuple_fraction"), default_fraction);
  // Without a timeout of its own, the session's stays.
  ASSERT_TRUE(conn_->Exec("SET statement_timeout = '45s'").ok());
  {
    auto cursor =
        PgRowCursor::Open(*conn_, "SELECT 1", {}, milliseconds(0), PgRowCursor::Planning::kAllRows);
    ASSERT_TRUE(cursor.ok()) << cursor.status().ToString();
    EXPECT_EQ(Show("statement_timeout"), "45s");
    EXPECT_EQ(Show("cursor_tuple_fraction"), "1");
  }
  ASSERT_TRUE(conn_->Exec("RESET statement_timeout").ok());
  // A second cursor on the same connection: no cursor name left behind.
  EXPECT_EQ(ReadAll("SELECT 'again'", {}), std::vector<std::string>{"again"});
}

TEST_F(PgRowCursorE2eTest, AStatementPastItsTimeoutFailsItsStep) {
  auto cursor = PgRowCursor::Open(*conn_, "SELECT pg_sleep(600)::text", {}, milliseconds(100));
  ASSERT_TRUE(cursor.ok()) << cursor.status().ToString();
  auto row = (*cursor)->Step();
  EXPECT_FALSE(row.ok());
  cursor->reset();
  EXPECT_EQ(ReadAll("SELECT 'still usable'", {}), std::vector<std::string>{"still usable"});
}

TEST_F(PgRowCursorE2eTest, AWriteIsRefusedInsideTheReadOnlyTransaction) {
  ASSERT_TRUE(conn_->Exec("CREATE TABLE IF NOT EXISTS scratch (v text)").ok());
  const std::vector<PgParam> params = {PgParam::Text("x")};
  auto cursor =
      PgRowCursor::Open(*conn_, "SELECT 1 FROM scratch WHERE v = $1", params, milliseconds(0));
  ASSERT_TRUE(cursor.ok()) << cursor.status().ToString();
  EXPECT_FALSE(conn_->Exec("INSERT INTO scratch VALUES ('y')").ok());
}

}  // namespace
}  // namespace pixeldex::index::postgres
