// `pixeldex import` into a PostgreSQL index (issue 18), the real binary
// against a real PostgreSQL: a generated tree imported as shards 1/3, 2/3 and
// 3/3 by three processes at once gives exactly the rows one unsharded import
// gives on SQLite, no file twice; a rerun of a shard adds and replaces
// nothing (resumable); an in-place import resumes too; and a bad --shard is a
// usage error.

#include <gtest/gtest.h>

#include <future>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "catalog/index/postgres/pg_connection.h"
#include "tests/import/import_corpus.h"
#include "tests/support/index_probe.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::testing {
namespace {

using index::postgres::PgConnection;

// What must be equal: each instance's UID, stored path, content and place
// in the hierarchy.
constexpr const char* kRowsSql =
    "SELECT i.sop_instance_uid || '|' || i.path || '|' || i.sha256 || '|' || i.size_bytes || "
    "'|' || se.series_instance_uid || '|' || st.study_instance_uid || '|' || p.patient_id "
    "FROM instances i JOIN series se ON se.series_pk = i.series_pk "
    "JOIN studies st ON st.study_pk = se.study_pk JOIN patients p ON p.patient_pk = st.patient_pk";

class PgImportE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CorpusShape shape;
    shape.studies = 4;
    shape.add_not_dicom = false;
    shape.add_broken = false;
    corpus_ = MakeImportCorpus(tree_, shape);
  }

  ProcessResult Import(const std::string& storage, const std::string& index,
                       std::vector<std::string> more = {}) const {
    std::vector<std::string> argv = {PIXELDEX_BINARY, "import", "--jobs",  "2",
                                     "--storage",     storage,  "--index", index};
    argv.insert(argv.end(), more.begin(), more.end());
    argv.push_back(tree_);
    return RunProcess(argv);
  }

  PgConnection Connect() {
    auto conn = PgConnection::Open(server_.Uri());
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return std::move(conn).value();
  }
  static std::vector<std::string> PgColumn(PgConnection& conn, const std::string& sql) {
    auto rows = conn.Exec(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    std::vector<std::string> out;
    for (int r = 0; rows.ok() && r < rows->rows(); ++r) out.emplace_back(rows->Text(r, 0));
    return out;
  }
  static std::string PgScalar(PgConnection& conn, const std::string& sql) {
    const auto column = PgColumn(conn, sql);
    return column.empty() ? "<none>" : column.front();
  }

  TempDir dir_;
  std::string tree_ = dir_ / "tree";
  PostgresServer server_;
  ImportCorpus corpus_;
};

TEST_F(PgImportE2eTest, ThreeConcurrentShardsGiveTheRowsOfOneSqliteImportAndResume) {
  const std::string sqlite_index = dir_ / "index.db";
  const ProcessResult whole = Import(dir_ / "sqlite-storage", sqlite_index);
  ASSERT_EQ(whole.exit_code, 0) << whole.output;

  // The schema is made by the first shard to start; the others wait on its
  // advisory lock.
  std::vector<std::future<ProcessResult>> shards;
  for (int i = 1; i <= 3; ++i) {
    shards.push_back(std::async(std::launch::async, [&, i] {
      return Import(dir_ / "pg-storage", server_.Uri(), {"--shard", std::to_string(i) + "/3"});
    }));
  }
  // Without overlap: each shard imported a share, and the shares add up to
  // the tree (with overlap, the rows alone could still match: a second copy
  // of an instance replaces the first).
  size_t imported = 0;
  for (auto& shard : shards) {
    const ProcessResult r = shard.get();
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find(server_.password()), std::string::npos) << r.output;
    std::smatch count;
    ASSERT_TRUE(std::regex_search(r.output, count, std::regex(R"(imported +(\d+))"))) << r.output;
    EXPECT_GT(std::stoul(count[1]), 0u) << r.output;
    imported += std::stoul(count[1]);
  }
  EXPECT_EQ(imported, corpus_.paths.size());

  std::set<std::string> expected;
  for (const Row& row : IndexProbe(sqlite_index).Rows(kRowsSql)) expected.insert(row.at(0));
  ASSERT_EQ(expected.size(), corpus_.instances.size());
  PgConnection conn = Connect();
  const std::vector<std::string> pg_rows = PgColumn(conn, kRowsSql);
  EXPECT_EQ(pg_rows.size(), expected.size());  // no instance twice
  EXPECT_EQ(std::set<std::string>(pg_rows.begin(), pg_rows.end()), expected);
  for (const char* table : {"patients", "studies", "series", "headers"}) {
    EXPECT_EQ(PgScalar(conn, std::string("SELECT count(*) FROM ") + table),
              std::to_string(
                  IndexProbe(sqlite_index).Count(std::string("SELECT count(*) FROM ") + table)))
        << table;
  }
  EXPECT_EQ(PgScalar(conn, "SELECT count(*) FROM events WHERE kind = 'import_failed'"), "0");

  // Resumable: a shard run again skips every file of its own, writes nothing.
  const std::string last_pk = PgScalar(conn, "SELECT max(instance_pk) FROM instances");
  const ProcessResult again = Import(dir_ / "pg-storage", server_.Uri(), {"--shard", "2/3"});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(PgScalar(conn, "SELECT count(*) FROM instances"), std::to_string(expected.size()));
  EXPECT_EQ(PgScalar(conn, "SELECT max(instance_pk) FROM instances"), last_pk);
  EXPECT_NE(again.output.find("skipped"), std::string::npos) << again.output;
}

TEST_F(PgImportE2eTest, InPlaceImportRecordsThePathsAndResumes) {
  const ProcessResult first = Import(dir_ / "pg-storage", server_.Uri(), {"--in-place"});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  PgConnection conn = Connect();
  const std::vector<std::string> paths = PgColumn(conn, "SELECT path FROM instances");
  EXPECT_EQ(std::set<std::string>(paths.begin(), paths.end()),
            std::set<std::string>(corpus_.paths.begin(), corpus_.paths.end()));
  const std::string last_pk = PgScalar(conn, "SELECT max(instance_pk) FROM instances");
  const ProcessResult again = Import(dir_ / "pg-storage", server_.Uri(), {"--in-place"});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(PgScalar(conn, "SELECT max(instance_pk) FROM instances"), last_pk);
  EXPECT_EQ(PgScalar(conn, "SELECT count(*) FROM instances"), std::to_string(corpus_.paths.size()));
}

TEST_F(PgImportE2eTest, ABadShardIsAUsageError) {
  for (const char* bad : {"0/3", "4/3", "three", "1/0"}) {
    const ProcessResult r = Import(dir_ / "pg-storage", server_.Uri(), {"--shard", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << "\n" << r.output;
    EXPECT_NE(r.output.find("--shard"), std::string::npos) << bad << "\n" << r.output;
  }
  // Refused before the index is opened: not even the schema was made.
  PgConnection conn = Connect();
  EXPECT_EQ(PgScalar(conn,
                     "SELECT count(*) FROM information_schema.tables "
                     "WHERE table_name = 'instances'"),
            "0");
}

}  // namespace
}  // namespace pixeldex::testing
