// ReadOnlyQuery: nothing an analyst types can change the index; reads work,
// including while a writer is busy.

#include "catalog/index/sql_query.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "catalog/index/index_writer.h"
#include "catalog/index/schema.h"
#include "catalog/index/sqlite_db.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::index {
namespace {

// Collects a result as text rows ("NULL" for NULL) for assertions.
class Collector : public RowSink {
 public:
  Status Begin(const std::vector<std::string>& columns) override {
    columns_ = columns;
    return Status::Ok();
  }
  Status Row(const std::vector<SqlValue>& values) override {
    std::vector<std::string> row;
    for (const SqlValue& v : values) {
      switch (v.type) {
        case SqlValue::Type::kNull: row.push_back("NULL"); break;
        case SqlValue::Type::kInteger: row.push_back(std::to_string(v.integer)); break;
        case SqlValue::Type::kReal: row.push_back(std::to_string(v.real)); break;
        default: row.push_back(v.bytes);
      }
    }
    rows_.push_back(row);
    return Status::Ok();
  }
  Status End(int64_t row_count) override {
    ended_ = row_count;
    return Status::Ok();
  }
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
  int64_t ended_ = -1;
};

InstanceRecord Record(const std::string& sop) {
  InstanceRecord r;
  r.patient.patient_id = "P1";
  r.study.study_instance_uid = "1.2.1";
  r.series.series_instance_uid = "1.2.2";
  r.series.modality = "CT";
  r.instance.sop_instance_uid = sop;
  r.instance.sop_class_uid = "1.2.840.10008.5.1.4.1.1.2";
  r.instance.transfer_syntax_uid = "1.2.840.10008.1.2.1";
  r.header_json = R"({"00180050":{"vr":"DS","Value":[2.5]}})";
  r.file.relative_path = sop + ".dcm";
  r.file.size_bytes = 10;
  r.file.sha256 = std::string(64, 'a');
  r.file.received_at = "2026-01-01T00:00:00.000Z";
  r.provenance.source = ProvenanceSource::kImport;
  return r;
}

class SqlQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = IndexWriter::Open(path_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE((*writer)->Write(Record("1.2.3.1")).ok());
    ASSERT_TRUE((*writer)->Write(Record("1.2.3.2")).ok());
  }
  Status Run(const std::string& sql, Collector* collector = nullptr) {
    Collector local;
    auto query = ReadOnlyQuery::Open(path_);
    if (!query.ok()) return query.status();
    return query->Run(sql, collector ? *collector : local);
  }
  pixeldex::testing::TempDir dir_;
  std::string path_ = dir_ / "index.db";
};

TEST_F(SqlQueryTest, SelectsReturnTheirRowsAndColumns) {
  Collector c;
  ASSERT_TRUE(Run("SELECT sop_instance_uid, size_bytes FROM instances ORDER BY 1", &c).ok());
  EXPECT_EQ(c.columns_, (std::vector<std::string>{"sop_instance_uid", "size_bytes"}));
  EXPECT_EQ(c.rows_, (std::vector<std::vector<std::string>>{{"1.2.3.1", "10"}, {"1.2.3.2", "10"}}));
  EXPECT_EQ(c.ended_, 2);
}

TEST_F(SqlQueryTest, ATimeLimitStopsARunawayQueryAndLeavesTheConnectionUsable) {
  auto query = ReadOnlyQuery::Open(path_);
  ASSERT_TRUE(query.ok());
  query->SetTimeLimit(std::chrono::milliseconds(50));
  Collector endless;
  const Status stopped = query->Run(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
      endless);
  EXPECT_EQ(stopped.code(), Status::Code::kResourceExhausted);
  EXPECT_EQ(stopped.message(), "the query ran longer than 50 ms and was stopped");
  Collector c;
  ASSERT_TRUE(query->Run("SELECT count(*) FROM instances", c).ok());
  EXPECT_EQ(c.rows_, (std::vector<std::vector<std::string>>{{"2"}}));
}

TEST_F(SqlQueryTest, ParametersAreBoundAsTextNeverAsSql) {
  auto query = ReadOnlyQuery::Open(path_);
  ASSERT_TRUE(query.ok());
  Collector c;
  const std::string sql = "SELECT sop_instance_uid FROM instances WHERE sop_instance_uid = ?1";
  ASSERT_TRUE(query->Run(sql, {"1.2.3.2"}, c).ok());
  EXPECT_EQ(c.rows_, (std::vector<std::vector<std::string>>{{"1.2.3.2"}}));
  Collector injected;
  ASSERT_TRUE(query->Run(sql, {"x' OR '1'='1"}, injected).ok());
  EXPECT_TRUE(injected.rows_.empty());
  EXPECT_EQ(query->Run(sql, {}, c).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(query->Run(sql, {"a", "b"}, c).code(), Status::Code::kInvalidArgument);
}

TEST_F(SqlQueryTest, ReadPragmasViewsAndTableValuedFunctionsWork) {
  for (const char* sql : {"PRAGMA user_version", "PRAGMA table_info(instances)",
                          "PRAGMA index_list(series)", "PRAGMA main.schema_version",
                          "SELECT name FROM pragma_table_info('events')",
                          "SELECT * FROM sqlite_master", "SELECT value FROM tags",
                          "SELECT * FROM study_summary",
                          "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n "
                          "WHERE x < 5) SELECT sum(x) FROM n",
                          "SELECT 1; -- a trailing comment\n"}) {
    EXPECT_TRUE(Run(sql).ok()) << sql << ": " << Run(sql).ToString();
  }
  Collector c;
  ASSERT_TRUE(Run("PRAGMA user_version", &c).ok());
  EXPECT_EQ(c.rows_, (std::vector<std::vector<std::string>>{{std::to_string(CurrentSchemaVersion())}}));
}

TEST_F(SqlQueryTest, EveryKindOfWriteIsRefusedAndTheFileIsUnchanged) {
  const std::string before = pixeldex::testing::ReadFileBytes(path_);
  for (const char* sql : {
           "INSERT INTO events (at, kind) VALUES ('2026', 'x')",
           "UPDATE patients SET patient_name = 'x'",
           "DELETE FROM headers",
           "REPLACE INTO patients (patient_pk, patient_id, updated_at) VALUES (1, 'x', 'y')",
           "CREATE TABLE t (x)",
           "CREATE TEMP TABLE t (x)",
           "CREATE INDEX i ON instances(rows)",
           "CREATE VIEW v AS SELECT 1",
           "DROP VIEW tags",
           "DROP TABLE events",
           "ALTER TABLE events ADD COLUMN y",
           "ATTACH DATABASE ':memory:' AS other",
           "DETACH DATABASE main",
           "PRAGMA user_version = 5",
           "PRAGMA journal_mode = delete",
           "PRAGMA journal_mode",
           "PRAGMA query_only = OFF",
           "PRAGMA writable_schema = ON",
           "PRAGMA foreign_keys = OFF",
           "VACUUM",
           "REINDEX",
           "ANALYZE",
           "BEGIN IMMEDIATE",
           "SAVEPOINT s",
           "EXPLAIN DELETE FROM headers",
           "WITH x AS (SELECT 1) DELETE FROM events",
       }) {
    const Status s = Run(sql);
    EXPECT_EQ(s.code(), Status::Code::kUnsupported) << sql << ": " << s.ToString();
    EXPECT_EQ(s.message().rfind(kReadOnlyRefusal, 0), 0u) << sql << ": " << s.message();
  }
  const std::string vacuum_target = dir_ / "copy.db";
  EXPECT_FALSE(Run("VACUUM INTO '" + vacuum_target + "'").ok());
  EXPECT_FALSE(std::filesystem::exists(vacuum_target));
  EXPECT_EQ(pixeldex::testing::ReadFileBytes(path_), before);
  Collector c;
  ASSERT_TRUE(Run("SELECT count(*) FROM instances", &c).ok());
  EXPECT_EQ(c.rows_[0][0], "2");
}

TEST_F(SqlQueryTest, FunctionsWithEffectsAreRefused) {
  // fts3_tokenizer('simple') answered the address of a module (a heap
  // pointer); with two arguments it installs a tokenizer from a pointer.
  for (const char* sql : {"SELECT fts3_tokenizer('simple')",
                          "SELECT hex(FTS3_TOKENIZER('porter'))",
                          "SELECT fts3_tokenizer('x', x'0000000000000000')",
                          "SELECT load_extension('/tmp/nothing.so')",
                          "SELECT 1 FROM instances WHERE load_extension('x') IS NULL"}) {
    const Status s = Run(sql);
    EXPECT_EQ(s.code(), Status::Code::kUnsupported) << sql << ": " << s.ToString();
    EXPECT_NE(s.message().find("the function"), std::string::npos) << sql << ": " << s.message();
  }
  // Functions without effects stay available.
  EXPECT_TRUE(Run("SELECT json_extract('{\"a\":1}', '$.a'), hex(randomblob(4)), sqrt(4)").ok());
}

TEST_F(SqlQueryTest, AViewOfAHostileIndexFileCannotCallThemEither) {
  {
    auto db = Db::Open(path_, Db::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("CREATE VIEW leak AS SELECT fts3_tokenizer('simple') AS p").ok());
  }
  // Refused either way: SQLite does not let a view call this direct-only
  // function, and the authorizer denies it wherever it appears.
  const Status s = Run("SELECT * FROM leak");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("fts3_tokenizer"), std::string::npos) << s.message();
}

TEST_F(SqlQueryTest, AWriteHiddenBehindAFirstStatementIsRefused) {
  for (const char* sql : {"SELECT 1; DELETE FROM headers", "SELECT 1; SELECT 2",
                          "SELECT 1; garbage"}) {
    const Status s = Run(sql);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << sql;
    EXPECT_NE(s.message().find("one SQL statement"), std::string::npos) << s.message();
  }
  Collector c;
  ASSERT_TRUE(Run("SELECT count(*) FROM headers", &c).ok());
  EXPECT_EQ(c.rows_[0][0], "2");
}

TEST_F(SqlQueryTest, SqlErrorsCarrySqlitesMessage) {
  Status s = Run("SELEC 1");
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "near \"SELEC\": syntax error");
  s = Run("SELECT nosuch FROM instances");
  EXPECT_EQ(s.message(), "no such column: nosuch");
  EXPECT_FALSE(Run("").ok());
  EXPECT_FALSE(Run("  -- only a comment").ok());
}

TEST_F(SqlQueryTest, AMissingIndexFileIsAnErrorAndIsNotCreated) {
  const std::string missing = dir_ / "missing.db";
  auto query = ReadOnlyQuery::Open(missing);
  EXPECT_FALSE(query.ok());
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(SqlQueryTest, ReadsWhileAWriterHoldsAnOpenTransaction) {
  auto writer = Db::Open(path_, Db::Mode::kReadWrite);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->Exec("BEGIN IMMEDIATE").ok());
  ASSERT_TRUE(writer->Exec("INSERT INTO events (at, kind) VALUES ('2026', 'store_failed')").ok());
  Collector c;
  // WAL: the reader neither waits for nor sees the uncommitted row.
  ASSERT_TRUE(Run("SELECT count(*) FROM events", &c).ok());
  EXPECT_EQ(c.rows_[0][0], "0");
  ASSERT_TRUE(writer->Exec("COMMIT").ok());
  Collector after;
  ASSERT_TRUE(Run("SELECT count(*) FROM events", &after).ok());
  EXPECT_EQ(after.rows_[0][0], "1");
}

TEST_F(SqlQueryTest, OneOpenQueryRunsManyStatements) {
  auto query = ReadOnlyQuery::Open(path_);
  ASSERT_TRUE(query.ok());
  Collector a, b;
  EXPECT_FALSE(query->Run("DELETE FROM headers", a).ok());
  ASSERT_TRUE(query->Run("SELECT count(*) FROM headers", b).ok());
  EXPECT_EQ(b.rows_[0][0], "2");
}

}  // namespace
}  // namespace pixeldex::index
