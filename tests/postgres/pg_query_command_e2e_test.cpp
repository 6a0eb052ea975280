// `pixeldex query` on a PostgreSQL index (issue 18), the real binary against
// a real PostgreSQL: the views give the same rows, printed the same, as on the
// SQLite index holding the same instances (two_backend_test.h); a statement
// that would write is refused by the read-only transaction with the SQLite
// refusal's message and changes nothing; and an analyst logged in as a member
// of the read-only role that `pixeldex index grant-reader` makes reads, also
// tables added later, and may write nothing even outside pixeldex query.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/index/postgres/pg_connection.h"
#include "tests/postgres/two_backend_test.h"
#include "tests/support/process.h"

namespace pixeldex::testing {
namespace {

using index::postgres::PgConnection;

class PgQueryCommandE2eTest : public TwoBackendTest {
 protected:
  // `pixeldex query` of `sql` on `index` in `format`, into a file (stdout
  // alone, without the log); its text, or the failure's output.
  ProcessResult Query(const std::string& index, const std::string& sql,
                      const std::string& format = "csv") {
    const std::string out = dir_ / ("out" + std::to_string(++queries_) + "." + format);
    ProcessResult r = RunProcess(
        {PIXELDEX_BINARY, "query", "--index", index, "--format", format, "--output", out, sql});
    if (r.exit_code == 0) {
      std::ifstream in(out, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      r.output = text.str();
    }
    return r;
  }
  std::string SqliteIndex() const { return dir_ / "index.db"; }

  int queries_ = 0;
};

TEST_F(PgQueryCommandE2eTest, ViewsGiveTheSameRowsPrintedTheSameAsOnSqlite) {
  const std::vector<std::string> statements = {
      "SELECT patient_id, patient_name, study_instance_uid, study_date, accession_number, "
      "study_description, modalities, series_count, instance_count, total_bytes "
      "FROM study_summary ORDER BY study_date",
      "SELECT sop_instance_uid, sop_class_uid, instance_number, rows, columns, path, size_bytes, "
      "sha256, source, modality, series_number, study_date, patient_id, patient_sex "
      "FROM instance_details ORDER BY sop_instance_uid",
      "SELECT modality, count(*) AS n, sum(size_bytes) AS bytes FROM series_summary "
      "JOIN instance_details USING (series_instance_uid, modality) GROUP BY modality "
      "ORDER BY modality",
      "SELECT sop_instance_uid, keyword, value FROM tags WHERE keyword = 'PatientID' "
      "ORDER BY sop_instance_uid",
  };
  for (const std::string& sql : statements) {
    for (const std::string format : {"csv", "json", "table"}) {
      const ProcessResult sqlite = Query(SqliteIndex(), sql, format);
      const ProcessResult pg = Query(postgres_.Uri(), sql, format);
      ASSERT_EQ(sqlite.exit_code, 0) << sql << "\n" << sqlite.output;
      ASSERT_EQ(pg.exit_code, 0) << sql << "\n" << pg.output;
      EXPECT_EQ(pg.output, sqlite.output) << sql << " as " << format;
    }
  }
  // Not vacuous: every instance is there.
  const ProcessResult count = Query(postgres_.Uri(), "SELECT count(*) AS n FROM instances");
  EXPECT_EQ(count.output, "n\n7\n");
}

TEST_F(PgQueryCommandE2eTest, WritesAreRefusedAndChangeNothing) {
  const std::vector<std::string> writes = {
      "DELETE FROM instances",
      "UPDATE studies SET study_description = 'x'",
      "INSERT INTO events (at, kind) VALUES ('2026', 'x')",
      "DROP TABLE events",
      "CREATE TABLE stolen (x text)",
      "WITH gone AS (DELETE FROM patients RETURNING 1) SELECT count(*) FROM gone",
      "SELECT nextval(pg_get_serial_sequence('events', 'event_pk'))",
  };
  for (const std::string& sql : writes) {
    const ProcessResult r = Query(postgres_.Uri(), sql);
    EXPECT_EQ(r.exit_code, 1) << sql << "\n" << r.output;
    EXPECT_NE(r.output.find("refused: pixeldex query is read-only"), std::string::npos)
        << sql << "\n"
        << r.output;
  }
  // One statement only: the SQL cannot commit and write on.
  const ProcessResult escape = Query(postgres_.Uri(), "COMMIT; DELETE FROM instances");
  EXPECT_EQ(escape.exit_code, 1) << escape.output;
  const ProcessResult bad = Query(postgres_.Uri(), "SELEC 1");
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("syntax error"), std::string::npos) << bad.output;

  const ProcessResult counts =
      Query(postgres_.Uri(),
            "SELECT (SELECT count(*) FROM instances) AS i, (SELECT count(*) FROM patients) AS p, "
            "(SELECT count(*) FROM studies WHERE study_description = 'x') AS x, "
            "(SELECT count(*) FROM information_schema.tables WHERE table_name = 'stolen') AS t");
  ASSERT_EQ(counts.exit_code, 0) << counts.output;
  EXPECT_EQ(counts.output, "i,p,x,t\n7,3,0,0\n");
}

TEST_F(PgQueryCommandE2eTest, AnAnalystOfTheReadOnlyRoleReads) {
  // The role made by the command, run twice: the second run changes nothing.
  for (int run = 0; run < 2; ++run) {
    const ProcessResult granted =
        RunProcess({PIXELDEX_BINARY, "index", "grant-reader", "--index", postgres_.Uri()});
    ASSERT_EQ(granted.exit_code, 0) << granted.output;
    EXPECT_NE(granted.output.find("pixeldex_reader may read"), std::string::npos)
        << granted.output;
    EXPECT_EQ(granted.output.find(postgres_.password()), std::string::npos) << granted.output;
  }
  auto admin = PgConnection::Open(postgres_.Uri());
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  auto login = admin->Exec("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'pixeldex_reader'");
  ASSERT_TRUE(login.ok() && login->rows() == 1);
  EXPECT_EQ(login->Text(0, 0), "f");  // a group role: nobody logs in as it
  ASSERT_TRUE(admin
                  ->ExecScript("CREATE ROLE alice LOGIN PASSWORD 'Al1ceSecret' "
                               "IN ROLE pixeldex_reader")
                  .ok());
  // A table a later migration adds is readable too (default privileges).
  ASSERT_TRUE(admin->ExecScript("CREATE TABLE later_table (x int); "
                                "INSERT INTO later_table VALUES (1)")
                  .ok());
  const std::string alice = postgres_.UriFor("alice", "Al1ceSecret");
  const ProcessResult read =
      Query(alice, "SELECT count(DISTINCT study_instance_uid) AS studies FROM instance_details");
  ASSERT_EQ(read.exit_code, 0) << read.output;
  EXPECT_EQ(read.output, "studies\n4\n");
  const ProcessResult later = Query(alice, "SELECT count(*) AS n FROM later_table");
  EXPECT_EQ(later.exit_code, 0) << later.output;
  EXPECT_EQ(later.output, "n\n1\n");
  const ProcessResult write = Query(alice, "DELETE FROM events");
  EXPECT_EQ(write.exit_code, 1) << write.output;
  EXPECT_EQ(write.output.find("Al1ceSecret"), std::string::npos) << write.output;
  // Outside pixeldex query's read-only transaction too: the privileges refuse.
  auto direct = PgConnection::Open(alice);
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  for (const char* sql : {"DELETE FROM events", "UPDATE studies SET study_description = 'x'",
                          "INSERT INTO later_table VALUES (2)", "CREATE TABLE stolen (x text)"}) {
    auto refused = direct->Exec(sql);
    ASSERT_FALSE(refused.ok()) << sql;
    EXPECT_NE(refused.status().message().find("permission denied"), std::string::npos)
        << sql << ": " << refused.status().ToString();
  }
  auto dropped = direct->Exec("DROP TABLE later_table");
  ASSERT_FALSE(dropped.ok());
  EXPECT_NE(dropped.status().message().find("must be owner"), std::string::npos)
      << dropped.status().ToString();

  // A ROLE named on the command line that does not exist is made NOLOGIN;
  // a URI that is not PostgreSQL is a usage error.
  const ProcessResult named = RunProcess(
      {PIXELDEX_BINARY, "index", "grant-reader", "--index", postgres_.Uri(), "dashboards"});
  ASSERT_EQ(named.exit_code, 0) << named.output;
  auto dashboards = admin->Exec("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'dashboards'");
  ASSERT_TRUE(dashboards.ok() && dashboards->rows() == 1);
  EXPECT_EQ(dashboards->Text(0, 0), "f");
  const ProcessResult sqlite = RunProcess(
      {PIXELDEX_BINARY, "index", "grant-reader", "--index", SqliteIndex()});
  EXPECT_EQ(sqlite.exit_code, 2) << sqlite.output;
}

}  // namespace
}  // namespace pixeldex::testing
