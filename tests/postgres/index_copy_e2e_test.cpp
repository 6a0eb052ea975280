// `pixeldex index copy`, the real binary, against a real PostgreSQL: an
// archive built by `pixeldex import` copied into PostgreSQL (every table, the
// same rows and values, headers as jsonb, thumbnails as bytea, identity
// sequences past the copied keys), and back into a new SQLite file that
// `pixeldex check` accepts against the same storage tree; a destination with
// rows refused unless --replace; passwords never printed.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "catalog/index/copy/index_copy.h"
#include "catalog/index/postgres/pg_connection.h"
#include "catalog/index/schema.h"
#include "catalog/index/sqlite_db.h"
#include "tests/import/import_corpus.h"
#include "tests/support/index_probe.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::testing {
namespace {

using index::postgres::PgConnection;

class IndexCopyE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CorpusShape shape;
    shape.add_not_dicom = false;
    shape.add_broken = false;
    corpus_ = MakeImportCorpus(dir_ / "export", shape);
    auto imported = RunProcess(
        {PIXELDEX_BINARY, "import", "--storage", storage_, "--index", index_, dir_ / "export"});
    ASSERT_EQ(imported.exit_code, 0) << imported.output;
    auto protect = RunProcess({PIXELDEX_BINARY, "protect", "--storage", storage_, "--index", index_,
                               "--reason", "court case", corpus_.instances[0].study_uid});
    ASSERT_EQ(protect.exit_code, 0) << protect.output;
  }

  ProcessResult Copy(const std::string& from, const std::string& to,
                     std::vector<std::string> more = {}) const {
    std::vector<std::string> argv = {PIXELDEX_BINARY, "index", "copy", "--from", from, "--to", to};
    argv.insert(argv.end(), more.begin(), more.end());
    return RunProcess(argv);
  }

  PgConnection Connect() {
    auto conn = PgConnection::Open(server_.Uri());
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return std::move(conn).value();
  }

  static std::string PgScalar(PgConnection& conn, const std::string& sql) {
    auto rows = conn.Exec(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    if (!rows.ok() || rows->rows() == 0) return "<none>";
    return rows->IsNull(0, 0) ? "<null>" : std::string(rows->Text(0, 0));
  }

  // Rows per copied table.
  static std::map<std::string, long long> SqliteCounts(const std::string& path) {
    std::map<std::string, long long> out;
    for (const auto& table : index::copy::CopiedTables()) {
      out[table.name] = IndexProbe(path).Count(std::string("SELECT count(*) FROM ") + table.name);
    }
    return out;
  }
  static std::map<std::string, long long> PgCounts(PgConnection& conn) {
    std::map<std::string, long long> out;
    for (const auto& table : index::copy::CopiedTables()) {
      out[table.name] =
          std::stoll(PgScalar(conn, std::string("SELECT count(*) FROM ") + table.name));
    }
    return out;
  }

  TempDir dir_;
  const std::string storage_ = dir_ / "storage";
  const std::string index_ = dir_ / "index.db";
  ImportCorpus corpus_;
  PostgresServer server_;
};

TEST_F(IndexCopyE2eTest, SqliteToPostgresAndBackKeepsEveryRow) {
  const auto counts = SqliteCounts(index_);
  ASSERT_EQ(counts.at("instances"), static_cast<long long>(corpus_.instances.size()));
  ASSERT_GT(counts.at("thumbnails"), 0);
  ASSERT_EQ(counts.at("protected_studies"), 1);

  auto to_pg = Copy(index_, server_.Uri());
  ASSERT_EQ(to_pg.exit_code, 0) << to_pg.output;
  EXPECT_TRUE(std::regex_search(
      to_pg.output,
      std::regex("\n  instances +" + std::to_string(counts.at("instances")) + " rows ")))
      << to_pg.output;
  EXPECT_EQ(to_pg.output.find(server_.password()), std::string::npos) << to_pg.output;

  PgConnection conn = Connect();
  EXPECT_EQ(PgCounts(conn), counts);
  const IndexProbe sqlite(index_);
  const std::string sop = corpus_.instances[3].sop_instance_uid;
  // The header is jsonb: its values are reachable by path (PS3.18 F.2).
  EXPECT_EQ(PgScalar(conn,
                     "SELECT h.json #>> '{0020000D,Value,0}' FROM headers h "
                     "JOIN instances i USING (instance_pk) WHERE i.sop_instance_uid = '" +
                         sop + "'"),
            corpus_.instances[3].study_uid);
  EXPECT_EQ(PgScalar(conn, "SELECT jsonb_typeof(json) FROM headers LIMIT 1"), "object");
  // Thumbnails byte for byte, typed columns and the study counts as they were.
  EXPECT_EQ(PgScalar(conn,
                     "SELECT string_agg(upper(encode(png, 'hex')), ',' ORDER BY instance_pk) "
                     "FROM thumbnails"),
            sqlite.Scalar("SELECT group_concat(hex(png), ',') FROM "
                          "(SELECT png FROM thumbnails ORDER BY instance_pk)"));
  const std::string study_row =
      "SELECT study_pk || '|' || study_instance_uid || '|' || number_of_series || '|' || "
      "number_of_instances || '|' || coalesce(modalities_in_study, '') || '|' || updated_at "
      "FROM studies ORDER BY study_pk LIMIT 1";
  EXPECT_EQ(PgScalar(conn, study_row), sqlite.Scalar(study_row));
  const std::string instance_row =
      "SELECT instance_pk || '|' || sop_instance_uid || '|' || path || '|' || size_bytes || '|' || "
      "sha256 || '|' || coalesce(rows, -1) FROM instances ORDER BY instance_pk DESC LIMIT 1";
  EXPECT_EQ(PgScalar(conn, instance_row), sqlite.Scalar(instance_row));
  EXPECT_EQ(PgScalar(conn, "SELECT reason FROM protected_studies"), "court case");

  // Back into a new SQLite file: the same rows, headers the same JSON, and
  // the archive checks clean against the untouched storage tree.
  const std::string back = dir_ / "back.db";
  auto to_sqlite = Copy(server_.Uri(), back);
  ASSERT_EQ(to_sqlite.exit_code, 0) << to_sqlite.output;
  EXPECT_EQ(to_sqlite.output.find(server_.password()), std::string::npos) << to_sqlite.output;
  EXPECT_EQ(SqliteCounts(back), counts);
  const IndexProbe restored(back);
  for (const std::string& sql :
       {std::string("SELECT * FROM instances ORDER BY instance_pk"),
        std::string("SELECT * FROM studies ORDER BY study_pk"),
        std::string("SELECT * FROM patients ORDER BY patient_pk"),
        std::string("SELECT instance_pk, status, width, height, hex(png) FROM thumbnails "
                    "ORDER BY instance_pk"),
        // jsonb orders an object's keys its own way; the JSON is the same.
        std::string("SELECT h.instance_pk, t.fullkey, t.type, t.atom FROM headers h, "
                    "json_tree(h.json) t WHERE t.atom IS NOT NULL ORDER BY 1, 2")}) {
    EXPECT_EQ(restored.Rows(sql), sqlite.Rows(sql)) << sql;
  }
  EXPECT_EQ(restored.Scalar("SELECT json_valid(json) AND json = json(json) FROM headers LIMIT 1"),
            "1")
      << "headers stored minified";
  auto check = RunProcess({PIXELDEX_BINARY, "check", "--storage", storage_, "--index", back});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("files and index agree"), std::string::npos) << check.output;

  // New rows in PostgreSQL get keys after the copied ones.
  const std::string new_pk =
      PgScalar(conn,
               "INSERT INTO patients (patient_id, issuer_of_patient_id, updated_at) "
               "VALUES ('new', '', 'now') RETURNING patient_pk");
  EXPECT_EQ(new_pk,
            std::to_string(std::stoll(sqlite.Scalar("SELECT max(patient_pk) FROM patients")) + 1));
}

TEST_F(IndexCopyE2eTest, RefusesADestinationWithRowsUnlessReplace) {
  ASSERT_EQ(Copy(index_, server_.Uri()).exit_code, 0);
  PgConnection conn = Connect();
  const auto before = PgCounts(conn);

  auto again = Copy(index_, server_.Uri());
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_NE(again.output.find("is not empty"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("--replace"), std::string::npos) << again.output;
  EXPECT_EQ(PgCounts(conn), before);

  // The SQLite side refuses the same way and keeps its rows.
  auto into_sqlite = Copy(server_.Uri(), index_);
  EXPECT_EQ(into_sqlite.exit_code, 1) << into_sqlite.output;
  EXPECT_EQ(SqliteCounts(index_), before);

  auto replaced = Copy(index_, server_.Uri(), {"--replace"});
  EXPECT_EQ(replaced.exit_code, 0) << replaced.output;
  EXPECT_EQ(PgCounts(conn), before);
}

TEST_F(IndexCopyE2eTest, AFailedCopyLeavesNothingAndPrintsNoPassword) {
  // A wrong password: refused before anything is written.
  const std::string wrong = "hunter2-not-it";
  auto refused = Copy(index_, server_.UriFor(PostgresServer::kUser, wrong));
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_EQ(refused.output.find(wrong), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("***"), std::string::npos) << refused.output;

  // A failure half way (a thumbnail whose instance is not there breaks the
  // foreign key, after patients..headers went in): the transaction leaves
  // PostgreSQL without a row.
  {
    auto db = index::Db::Open(index_, index::Db::Mode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(db->Exec("PRAGMA foreign_keys = OFF; INSERT INTO thumbnails (instance_pk, status) "
                         "VALUES (999999, 'failed')")
                    .ok());
  }
  auto failed = Copy(index_, server_.Uri());
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_NE(failed.output.find("nothing copied"), std::string::npos) << failed.output;
  EXPECT_EQ(failed.output.find(server_.password()), std::string::npos) << failed.output;
  PgConnection conn = Connect();
  EXPECT_EQ(PgScalar(conn, "SELECT count(*) FROM patients"), "0");
  EXPECT_EQ(PgScalar(conn, "SELECT count(*) FROM instances"), "0");
}

// Usage needs neither a server nor an archive.
TEST(IndexCopyUsageE2eTest, UsageErrors) {
  TempDir dir;
  auto help = RunProcess({PIXELDEX_BINARY, "index", "copy", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--replace"), std::string::npos) << help.output;
  EXPECT_EQ(RunProcess({PIXELDEX_BINARY, "index"}).exit_code, 2);
  EXPECT_EQ(RunProcess({PIXELDEX_BINARY, "index", "move"}).exit_code, 2);
  EXPECT_EQ(RunProcess({PIXELDEX_BINARY, "index", "copy", "--from", dir / "a.db"}).exit_code, 2);
  EXPECT_EQ(RunProcess({PIXELDEX_BINARY, "index", "copy", "--from", dir / "a.db", "--to",
                        dir / "b.db", "--batch", "0"})
                .exit_code,
            2);
  auto same =
      RunProcess({PIXELDEX_BINARY, "index", "copy", "--from", dir / "a.db", "--to", dir / "a.db"});
  EXPECT_EQ(same.exit_code, 1) << same.output;
  auto missing = RunProcess(
      {PIXELDEX_BINARY, "index", "copy", "--from", dir / "missing.db", "--to", dir / "other.db"});
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "other.db")) << "a failed source writes nothing";
}

// Every table of a new SQLite index is copied, but the two its migration
// writes itself: a table added later cannot be forgotten by the copy.
TEST(IndexCopyUsageE2eTest, CopiesEveryTableOfTheSchema) {
  TempDir dir;
  auto db = index::Db::Open(dir / "index.db", index::Db::Mode::kReadWrite);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(index::PrepareForWriting(*db).ok());
  std::set<std::string> schema;
  auto stmt = db->Prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "AND name <> 'dicom_dictionary'");
  ASSERT_TRUE(stmt.ok());
  while (stmt->Step()) schema.insert(stmt->Text(0));
  std::set<std::string> copied;
  for (const auto& table : index::copy::CopiedTables()) copied.insert(table.name);
  EXPECT_EQ(copied, schema);
}

}  // namespace
}  // namespace pixeldex::testing
