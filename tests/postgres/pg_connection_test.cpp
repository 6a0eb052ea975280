// PgConnection against a real PostgreSQL (tests/support/postgres_server.h):
// bound parameters (binary-safe bytea, jsonb, hostile text), errors as
// Status, read-only transactions, credentials from PGPASSFILE, and a
// connection that survives the server's restart without leaking the password.
#include "catalog/index/postgres/pg_connection.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "tests/support/postgres_server.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::index::postgres {
namespace {

using testing::PostgresServer;

class PgConnectionE2eTest : public ::testing::Test {
 protected:
  PgConnection Connect() {
    auto conn = PgConnection::Open(server_.Uri());
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return std::move(conn).value();
  }

  PostgresServer server_;
};

// Every byte value, NUL included.
std::string AllBytes() {
  std::string out;
  for (int i = 0; i < 256; ++i) out += static_cast<char>(i);
  return out + std::string("\0\0'\\", 4);
}

TEST_F(PgConnectionE2eTest, BoundParametersCarryBytesJsonAndHostileTextUnchanged) {
  PgConnection conn = Connect();
  ASSERT_TRUE(conn.ExecScript("CREATE TABLE t (name text, header jsonb, png bytea)").ok());
  const std::string hostile = "O'Brien\"; DROP TABLE t; -- \\ $1 ? 患者 Ünïcødé 🩻";
  const std::string header =
      R"({"00100010": {"vr": "PN", "Value": [{"Alphabetic": "O'Brien\"\\ 患者"}]}})";
  auto inserted =
      conn.Exec("INSERT INTO t VALUES ($1, $2, $3)",
                {PgParam::Text(hostile), PgParam::Text(header), PgParam::Bytes(AllBytes())});
  ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  EXPECT_EQ(inserted->affected(), 1);

  auto rows = conn.Exec(
      "SELECT name, header #>> '{00100010,Value,0,Alphabetic}', png, length(png) FROM t "
      "WHERE name = $1 AND header @> $2",
      {PgParam::Text(hostile), PgParam::Text(R"({"00100010": {"vr": "PN"}})")});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->rows(), 1);
  EXPECT_EQ(rows->Text(0, 0), hostile);
  EXPECT_EQ(rows->Text(0, 1), "O'Brien\"\\ 患者");
  auto png = rows->Bytes(0, 2);
  ASSERT_TRUE(png.ok()) << png.status().ToString();
  EXPECT_EQ(*png, AllBytes());
  EXPECT_EQ(*rows->Int(0, 3), static_cast<int64_t>(AllBytes().size()));
  // The table is still there: nothing of the hostile text ran as SQL.
  EXPECT_EQ(*conn.Exec("SELECT count(*) FROM t")->Int(0, 0), 1);
}

TEST_F(PgConnectionE2eTest, NullParametersAndNullValues) {
  PgConnection conn = Connect();
  auto rows = conn.Exec("SELECT $1::text IS NULL, $1::text", {PgParam::Null()});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->Text(0, 0), "t");
  EXPECT_TRUE(rows->IsNull(0, 1));
}

TEST_F(PgConnectionE2eTest, ConstraintAndSyntaxErrorsBecomeStatusCodes) {
  PgConnection conn = Connect();
  ASSERT_TRUE(conn.ExecScript("CREATE TABLE u (uid text PRIMARY KEY)").ok());
  ASSERT_TRUE(conn.Exec("INSERT INTO u VALUES ($1)", {PgParam::Text("1.2.3")}).ok());
  auto duplicate = conn.Exec("INSERT INTO u VALUES ($1)", {PgParam::Text("1.2.3")});
  EXPECT_EQ(duplicate.status().code(), Status::Code::kAlreadyExists)
      << duplicate.status().ToString();
  auto syntax = conn.Exec("SELEKT 1");
  EXPECT_EQ(syntax.status().code(), Status::Code::kInvalidArgument) << syntax.status().ToString();
  EXPECT_NE(syntax.status().message().find("syntax error"), std::string::npos);
}

TEST_F(PgConnectionE2eTest, TransactionRollsBackWhenItsBodyFails) {
  PgConnection conn = Connect();
  ASSERT_TRUE(conn.ExecScript("CREATE TABLE u (uid text PRIMARY KEY)").ok());
  Status failed = conn.Transaction([](PgConnection& c) {
    PIXELDEX_RETURN_IF_ERROR(c.Exec("INSERT INTO u VALUES ('a')").status());
    return c.Exec("INSERT INTO u VALUES ('a')").status();  // a duplicate
  });
  EXPECT_EQ(failed.code(), Status::Code::kAlreadyExists) << failed.ToString();
  EXPECT_EQ(*conn.Exec("SELECT count(*) FROM u")->Int(0, 0), 0);
  Status committed = conn.Transaction(
      [](PgConnection& c) { return c.Exec("INSERT INTO u VALUES ('b')").status(); });
  EXPECT_TRUE(committed.ok()) << committed.ToString();
  EXPECT_EQ(*conn.Exec("SELECT count(*) FROM u")->Int(0, 0), 1);
}

TEST_F(PgConnectionE2eTest, ReadOnlyTransactionRefusesWritesWithAClearError) {
  PgConnection conn = Connect();
  ASSERT_TRUE(conn.ExecScript("CREATE TABLE u (uid text)").ok());
  const auto ignore = [](const PgRows&) { return Status::Ok(); };
  Status write = conn.StreamReadOnly("INSERT INTO u VALUES ('x')", {}, ignore);
  EXPECT_EQ(write.code(), Status::Code::kInvalidArgument) << write.ToString();
  EXPECT_NE(write.message().find("read-only transaction"), std::string::npos) << write.ToString();
  // One statement only: user SQL cannot end the transaction and write on.
  EXPECT_FALSE(conn.StreamReadOnly("COMMIT; INSERT INTO u VALUES ('x')", {}, ignore).ok());
  EXPECT_FALSE(conn.StreamReadOnly("DROP TABLE u", {}, ignore).ok());
  EXPECT_EQ(*conn.Exec("SELECT count(*) FROM u")->Int(0, 0), 0);

  std::vector<int64_t> values;
  const std::vector<PgParam> params{PgParam::Int(41)};
  Status read = conn.StreamReadOnly("SELECT $1::int + 1", params, [&](const PgRows& rows) {
    for (int r = 0; r < rows.rows(); ++r) values.push_back(*rows.Int(r, 0));
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.ToString();
  EXPECT_EQ(values, std::vector<int64_t>{42});
  // And the connection is not left read-only or in a transaction.
  EXPECT_TRUE(conn.Exec("INSERT INTO u VALUES ('y')").ok());
}

TEST_F(PgConnectionE2eTest, AStreamedResultStopsWhereTheReaderStops) {
  PgConnection conn = Connect();
  // An endless result: fetched whole, it would never end.
  int rows_seen = 0;
  Status stopped = conn.StreamReadOnly(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c", {},
      [&](const PgRows& rows) {
        rows_seen += rows.rows();
        return rows_seen < 5 ? Status::Ok() : Status::ResourceExhausted("enough");
      });
  EXPECT_EQ(stopped.code(), Status::Code::kResourceExhausted) << stopped.ToString();
  EXPECT_EQ(rows_seen, 5);
  // The statement was cancelled and the transaction ended: the connection works on.
  EXPECT_EQ(*conn.Exec("SELECT 7")->Int(0, 0), 7);
  EXPECT_TRUE(conn.Idle());
}

TEST_F(PgConnectionE2eTest, WrongPasswordIsUnavailableAndNeverShown) {
  const std::string wrong = "Wr0ngPassw0rdXyz";
  auto conn = PgConnection::Open(server_.UriFor(PostgresServer::kUser, wrong));
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), Status::Code::kIoError);
  EXPECT_NE(conn.status().message().find("database unavailable"), std::string::npos);
  EXPECT_NE(conn.status().message().find("password authentication failed"), std::string::npos)
      << conn.status().ToString();
  EXPECT_EQ(conn.status().message().find(wrong), std::string::npos) << conn.status().ToString();
}

TEST_F(PgConnectionE2eTest, PasswordComesFromPgpassfile) {
  // libpq 34.16: hostname:port:database:username:password, file mode 0600.
  testing::TempDir dir;
  const std::string file = dir / "pgpass";
  std::ofstream(file) << "127.0.0.1:" << server_.port() << ":" << PostgresServer::kDatabase << ":"
                      << PostgresServer::kUser << ":" << server_.password() << "\n";
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
  ::setenv("PGPASSFILE", file.c_str(), 1);
  auto conn = PgConnection::Open(server_.UriFor(PostgresServer::kUser, ""));
  ::unsetenv("PGPASSFILE");
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  EXPECT_EQ(conn->redacted_uri().find(server_.password()), std::string::npos);
  EXPECT_TRUE(conn->Exec("SELECT 1").ok());
}

TEST_F(PgConnectionE2eTest, ReconnectsAfterItsSessionWasTerminated) {
  // An administrator (or a failover) ends the session; the server stays up.
  PgConnection conn = Connect();
  PgConnection admin = Connect();
  auto pid = conn.Exec("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok()) << pid.status().ToString();
  auto terminated = admin.Exec("SELECT pg_terminate_backend($1::int, 10000)",
                               {PgParam::Text(std::string(pid->Text(0, 0)))});
  ASSERT_TRUE(terminated.ok()) << terminated.status().ToString();
  ASSERT_EQ(terminated->Text(0, 0), "t");

  auto lost = conn.Exec("SELECT 1");
  EXPECT_EQ(lost.status().code(), Status::Code::kIoError) << lost.status().ToString();
  EXPECT_NE(lost.status().message().find("database unavailable"), std::string::npos)
      << lost.status().ToString();
  auto again = conn.Exec("SELECT pg_backend_pid()");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_NE(again->Text(0, 0), pid->Text(0, 0));  // a new session
}

// A prepared statement runs again with other parameters, and is prepared
// again on the session a reconnect makes (the old one's are gone).
TEST_F(PgConnectionE2eTest, PreparedStatementsArePreparedAgainAfterAReconnect) {
  PgConnection conn = Connect();
  PgConnection admin = Connect();
  const std::string sql = "SELECT $1::bigint + 1, pg_backend_pid()";
  auto first = conn.ExecPrepared(sql, {PgParam::Int(1)});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->Text(0, 0), "2");
  auto second = conn.ExecPrepared(sql, {PgParam::Int(41)});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->Text(0, 0), "42");
  ASSERT_TRUE(admin
                  .Exec("SELECT pg_terminate_backend($1::int, 10000)",
                        {PgParam::Text(std::string(first->Text(0, 1)))})
                  .ok());
  EXPECT_EQ(conn.ExecPrepared(sql, {PgParam::Int(2)}).status().code(), Status::Code::kIoError);
  auto again = conn.ExecPrepared(sql, {PgParam::Int(2)});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->Text(0, 0), "3");
  EXPECT_NE(again->Text(0, 1), first->Text(0, 1));  // on a new session
}

TEST_F(PgConnectionE2eTest, SurvivesTheServerGoingAwayAndComingBack) {
  PgConnection conn = Connect();
  ASSERT_TRUE(conn.ExecScript("CREATE TABLE u (uid text)").ok());
  ASSERT_TRUE(conn.Exec("INSERT INTO u VALUES ('before')").ok());

  server_.Stop();
  // The statement that finds the connection gone, and every one after it
  // while the server is away: a clear status, no crash, no password.
  for (int i = 0; i < 2; ++i) {
    auto rows = conn.Exec("SELECT count(*) FROM u");
    ASSERT_FALSE(rows.ok());
    EXPECT_EQ(rows.status().code(), Status::Code::kIoError) << rows.status().ToString();
    EXPECT_NE(rows.status().message().find("database unavailable"), std::string::npos)
        << rows.status().ToString();
    EXPECT_EQ(rows.status().message().find(server_.password()), std::string::npos)
        << rows.status().ToString();
  }
  Status in_transaction = conn.Transaction(
      [](PgConnection& c) { return c.Exec("INSERT INTO u VALUES ('lost')").status(); });
  EXPECT_EQ(in_transaction.code(), Status::Code::kIoError) << in_transaction.ToString();

  server_.Start();
  // The same object reconnects by itself.
  auto rows = conn.Exec("SELECT uid FROM u ORDER BY uid");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->rows(), 1);
  EXPECT_EQ(rows->Text(0, 0), "before");
}

}  // namespace
}  // namespace pixeldex::index::postgres
