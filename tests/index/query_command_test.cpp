// `pixeldex query`, the real binary: output on stdout or in a file, exit codes
// (0 ok, 1 refused or failed, 2 usage), and messages.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "tests/support/dicom_factory.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace pixeldex {
namespace {

using pixeldex::testing::ProcessResult;
using pixeldex::testing::RunProcess;

class QueryCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(index_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "PRAGMA journal_mode=WAL;"
                           "CREATE TABLE t (id INTEGER, name TEXT, png BLOB);"
                           "INSERT INTO t VALUES (1, 'a,b', x'0102'), (2, NULL, NULL);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  ProcessResult Query(std::vector<std::string> args) {
    args.insert(args.begin(), {PIXELDEX_BINARY, "query"});
    return RunProcess(args);
  }
  pixeldex::testing::TempDir dir_;
  std::string index_ = dir_ / "index.db";
};

TEST_F(QueryCommandTest, PrintsATableByDefault) {
  const ProcessResult r = Query({"--index", index_, "SELECT * FROM t ORDER BY id"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output,
            "id | name | png\n"
            "---+------+---------------\n"
            " 1 | a,b  | <blob 2 bytes>\n"
            " 2 |      |\n"
            "(2 rows)\n");
}

TEST_F(QueryCommandTest, WritesEachFormatToTheOutputFile) {
  const std::string out = dir_ / "out.txt";
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"csv", "id,name,png\n1,\"a,b\",<blob 2 bytes>\n2,,\n"},
      {"json", "[\n  {\"id\":1,\"name\":\"a,b\",\"png\":\"AQI=\"},\n"
               "  {\"id\":2,\"name\":null,\"png\":null}\n]\n"},
      {"jsonl", "{\"id\":1,\"name\":\"a,b\",\"png\":\"AQI=\"}\n{\"id\":2,\"name\":null,\"png\":null}\n"},
  };
  for (const auto& [format, text] : expected) {
    const ProcessResult r = Query({"--index", index_, "--format", format, "--output", out,
                                   "SELECT * FROM t ORDER BY id"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "") << format;
    EXPECT_EQ(pixeldex::testing::ReadFileBytes(out), text) << format;
  }
}

TEST_F(QueryCommandTest, ReadsTheIndexPathFromTheConfigFile) {
  const std::string config = dir_ / "pixeldex.conf";
  std::ofstream(config) << "[storage]\nindex = " << index_ << "\n";
  const ProcessResult r = Query({"--config", config, "--format=csv", "SELECT count(*) AS n FROM t"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "n\n2\n");
}

TEST_F(QueryCommandTest, WritesAreRefusedWithExitCode1AndLeaveTheFileUnchanged) {
  const std::string before = pixeldex::testing::ReadFileBytes(index_);
  for (const char* sql : {"DELETE FROM t", "INSERT INTO t VALUES (3, 'x', NULL)", "DROP TABLE t",
                          "ATTACH 'other.db' AS o", "PRAGMA user_version=5",
                          "PRAGMA journal_mode=delete"}) {
    const ProcessResult r = Query({"--index", index_, sql});
    EXPECT_EQ(r.exit_code, 1) << sql;
    EXPECT_NE(r.output.find("refused: pixeldex query is read-only"), std::string::npos)
        << sql << ": " << r.output;
  }
  EXPECT_EQ(pixeldex::testing::ReadFileBytes(index_), before);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "other.db"));
}

TEST_F(QueryCommandTest, SqlErrorsPrintSqlitesMessageAndExit1) {
  ProcessResult r = Query({"--index", index_, "SELEC 1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, "pixeldex query: near \"SELEC\": syntax error\n");
  r = Query({"--index", index_, "SELECT nope FROM t"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, "pixeldex query: no such column: nope\n");
}

TEST_F(QueryCommandTest, AFailedQueryLeavesNoOutputFile) {
  const std::string out = dir_ / "result.csv";
  const ProcessResult r =
      Query({"--index", index_, "--format", "csv", "--output", out, "SELECT nope FROM t"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
}

TEST_F(QueryCommandTest, AMissingIndexIsARunTimeError) {
  const ProcessResult r = Query({"--index", dir_ / "none.db", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("none.db"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "none.db"));
}

TEST_F(QueryCommandTest, UsageErrorsExitWith2) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--index", index_},
           {"--index", index_, "SELECT 1", "SELECT 2"},
           {"--index", index_, "--format", "xml", "SELECT 1"},
           {"--index", index_, "--no-such-option", "SELECT 1"},
           {"--index"},
       }) {
    const ProcessResult r = Query(args);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("pixeldex query: "), std::string::npos) << r.output;
  }
}

TEST_F(QueryCommandTest, HelpDescribesOptionsFormatsAndExamples) {
  const ProcessResult r = Query({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* text : {"usage: pixeldex query", "--format FORMAT", "--output FILE",
                           "--index FILE", "--config FILE", "jsonl", "read-only", "examples:",
                           "study_summary", "Exit status"}) {
    EXPECT_NE(r.output.find(text), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace pixeldex
