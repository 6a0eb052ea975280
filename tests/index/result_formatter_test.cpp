// Result formatters: each output format, exactly, for a tiny fixture holding
// every SQLite type and the awkward text cases (commas, quotes, newlines,
// non-ASCII, invalid UTF-8).

#include "catalog/index/result_formatter.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <sstream>

#include "tests/support/temp_dir.h"

namespace pixeldex::index {
namespace {

class ResultFormatterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    const char* sql =
        "CREATE TABLE t (id INTEGER, name TEXT, score REAL, data BLOB, note TEXT);"
        "INSERT INTO t VALUES (1, 'Doe^John', 2.5, x'00FF10', NULL);"
        "INSERT INTO t VALUES (2, 'Müller, \"Jo\"', 2.0, NULL, 'line1' || char(10) || 'line2');"
        "INSERT INTO t VALUES (3, '', -0.125, x'', 'tab' || char(9) || 'here');";
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }

  std::string Format(OutputFormat format, const std::string& sql) {
    std::ostringstream out;
    auto query = ReadOnlyQuery::Open(path_);
    EXPECT_TRUE(query.ok()) << query.status().ToString();
    auto sink = MakeResultFormatter(format, out);
    const Status s = query->Run(sql, *sink);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out.str();
  }

  pixeldex::testing::TempDir dir_;
  std::string path_ = dir_ / "tiny.db";
  const std::string all_ = "SELECT * FROM t ORDER BY id";
  const std::string none_ = "SELECT id, name FROM t WHERE id > 99";
};

TEST_F(ResultFormatterTest, Table) {
  EXPECT_EQ(Format(OutputFormat::kTable, all_),
            "id | name         |  score | data           | note\n"
            "---+--------------+--------+----------------+-------------\n"
            " 1 | Doe^John     |    2.5 | <blob 3 bytes> |\n"
            " 2 | Müller, \"Jo\" |    2.0 |                | line1\\nline2\n"
            " 3 |              | -0.125 | <blob 0 bytes> | tab\\there\n"
            "(3 rows)\n");
  EXPECT_EQ(Format(OutputFormat::kTable, "SELECT count(*) AS n FROM t"),
            "n\n"
            "-\n"
            "3\n"
            "(1 row)\n");
  EXPECT_EQ(Format(OutputFormat::kTable, none_),
            "id | name\n"
            "---+-----\n"
            "(0 rows)\n");
}

TEST_F(ResultFormatterTest, Csv) {
  EXPECT_EQ(Format(OutputFormat::kCsv, all_),
            "id,name,score,data,note\n"
            "1,Doe^John,2.5,<blob 3 bytes>,\n"
            "2,\"Müller, \"\"Jo\"\"\",2.0,,\"line1\nline2\"\n"
            "3,\"\",-0.125,<blob 0 bytes>,tab\there\n");
  EXPECT_EQ(Format(OutputFormat::kCsv, none_), "id,name\n");
  EXPECT_EQ(Format(OutputFormat::kCsv, "SELECT 1 AS \"a,b\""), "\"a,b\"\n1\n");
}

TEST_F(ResultFormatterTest, Json) {
  EXPECT_EQ(Format(OutputFormat::kJson, all_),
            "[\n"
            "  {\"id\":1,\"name\":\"Doe^John\",\"score\":2.5,\"data\":\"AP8Q\",\"note\":null},\n"
            "  {\"id\":2,\"name\":\"Müller, \\\"Jo\\\"\",\"score\":2.0,\"data\":null,"
            "\"note\":\"line1\\nline2\"},\n"
            "  {\"id\":3,\"name\":\"\",\"score\":-0.125,\"data\":\"\",\"note\":\"tab\\there\"}\n"
            "]\n");
  EXPECT_EQ(Format(OutputFormat::kJson, none_), "[]\n");
}

TEST_F(ResultFormatterTest, JsonLines) {
  EXPECT_EQ(Format(OutputFormat::kJsonl, all_),
            "{\"id\":1,\"name\":\"Doe^John\",\"score\":2.5,\"data\":\"AP8Q\",\"note\":null}\n"
            "{\"id\":2,\"name\":\"Müller, \\\"Jo\\\"\",\"score\":2.0,\"data\":null,"
            "\"note\":\"line1\\nline2\"}\n"
            "{\"id\":3,\"name\":\"\",\"score\":-0.125,\"data\":\"\",\"note\":\"tab\\there\"}\n");
  EXPECT_EQ(Format(OutputFormat::kJsonl, none_), "");
}

TEST_F(ResultFormatterTest, JsonIsValidWhateverTheTextHolds) {
  // Invalid UTF-8 becomes U+FFFD, control characters \u escapes, a
  // non-finite real null.
  EXPECT_EQ(Format(OutputFormat::kJsonl,
                   "SELECT CAST(x'41FF42' AS TEXT) AS a, char(1) || '\\' AS b, 1e999 AS c"),
            "{\"a\":\"A\xEF\xBF\xBD" "B\",\"b\":\"\\u0001\\\\\",\"c\":null}\n");
  EXPECT_EQ(Format(OutputFormat::kTable, "SELECT 1e999 AS c, -1e999 AS d"),
            "  c |    d\n----+-----\nInf | -Inf\n(1 row)\n");
}

TEST_F(ResultFormatterTest, FormatNames) {
  EXPECT_EQ(*ParseOutputFormat("table"), OutputFormat::kTable);
  EXPECT_EQ(*ParseOutputFormat("csv"), OutputFormat::kCsv);
  EXPECT_EQ(*ParseOutputFormat("json"), OutputFormat::kJson);
  EXPECT_EQ(*ParseOutputFormat("jsonl"), OutputFormat::kJsonl);
  EXPECT_FALSE(ParseOutputFormat("xml").ok());
  EXPECT_FALSE(ParseOutputFormat("JSON").ok());
}

TEST(Base64Test, Rfc4648TestVectors) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64(std::string("\xFB\xFF\xBF", 3)), "+/+/");
}

}  // namespace
}  // namespace pixeldex::index
