// Runs every tests/sql/cases/*.test file through ReadOnlyQuery (the path of
// `pixeldex query`) against the fixture index, and checks that the case files
// together name every table and view of the schema.

#include <gtest/gtest.h>

#include <charconv>
#include <filesystem>
#include <memory>
#include <regex>
#include <set>

#include "catalog/index/sql_query.h"
#include "tests/sql/sql_case_file.h"
#include "tests/sql/sql_fixture.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/index_probe.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::sqltest {
namespace {

namespace fs = std::filesystem;
using index::SqlValue;

const fs::path kCaseDir = fs::path(PIXELDEX_SOURCE_DIR) / "tests/sql/cases";

std::string Render(const SqlValue& v) {
  switch (v.type) {
    case SqlValue::Type::kNull: return "NULL";
    case SqlValue::Type::kInteger: return std::to_string(v.integer);
    case SqlValue::Type::kReal: {
      char buffer[64];
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), v.real);
      std::string text(buffer, end);
      if (text.find_first_of(".en") == std::string::npos) text += ".0";
      return text;
    }
    case SqlValue::Type::kText: return v.bytes;
    case SqlValue::Type::kBlob: return "<blob " + std::to_string(v.bytes.size()) + " bytes>";
  }
  return "?";
}

class RowCollector : public index::RowSink {
 public:
  Status Begin(const std::vector<std::string>&) override { return Status::Ok(); }
  Status Row(const std::vector<SqlValue>& values) override {
    std::string row;
    for (size_t c = 0; c < values.size(); ++c) row += (c ? "|" : "") + Render(values[c]);
    rows.push_back(row);
    return Status::Ok();
  }
  Status End(int64_t) override { return Status::Ok(); }
  std::vector<std::string> rows;
};

std::string Join(const std::vector<std::string>& rows) {
  std::string out;
  for (const std::string& r : rows) out += "  " + r + "\n";
  return out.empty() ? "  (no rows)\n" : out;
}

std::vector<std::string> CaseFiles() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCaseDir)) {
    if (entry.path().extension() == ".test") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class SqlCasesTest : public ::testing::TestWithParam<std::string> {
 public:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<pixeldex::testing::TempDir>();
    BuildSqlFixture(IndexPath());
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string IndexPath() { return *dir_ / "fixture.db"; }

 private:
  static std::unique_ptr<pixeldex::testing::TempDir> dir_;
};
std::unique_ptr<pixeldex::testing::TempDir> SqlCasesTest::dir_;

TEST_P(SqlCasesTest, AllCasesPass) {
  const fs::path file = kCaseDir / (GetParam() + ".test");
  const std::vector<SqlCase> cases = ParseSqlCases(pixeldex::testing::ReadFileBytes(file));
  ASSERT_FALSE(cases.empty()) << file;
  auto query = index::ReadOnlyQuery::Open(IndexPath());
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  for (const SqlCase& c : cases) {
    SCOPED_TRACE(file.filename().string() + ":" + std::to_string(c.line) + " " + c.name);
    RowCollector rows;
    const Status s = query->Run(c.sql, rows);
    if (c.expect_error) {
      ASSERT_FALSE(s.ok()) << "expected an error, got rows:\n" << Join(rows.rows);
      EXPECT_NE(s.message().find(c.expected.front()), std::string::npos) << s.message();
      continue;
    }
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(rows.rows, c.expected) << "expected:\n" << Join(c.expected) << "actual:\n"
                                     << Join(rows.rows);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, SqlCasesTest, ::testing::ValuesIn(CaseFiles()),
                         [](const auto& info) { return info.param; });

// A table or view that no case file names is undocumented or unguarded.
TEST(SqlCaseCoverageTest, EveryTableAndViewAppearsInACaseFile) {
  pixeldex::testing::TempDir dir;
  BuildSqlFixture(dir / "fixture.db");
  std::string all_sql;
  for (const std::string& name : CaseFiles()) {
    for (const SqlCase& c : ParseSqlCases(
             pixeldex::testing::ReadFileBytes(kCaseDir / (name + ".test")))) {
      if (!c.expect_error) all_sql += c.sql;
    }
  }
  const auto objects = pixeldex::testing::IndexProbe(dir / "fixture.db")
                           .Rows("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                                 "AND name NOT LIKE 'sqlite_%' ORDER BY name");
  ASSERT_GE(objects.size(), 14u);
  for (const auto& row : objects) {
    const std::regex word("\\b" + row[0] + "\\b");
    EXPECT_TRUE(std::regex_search(all_sql, word)) << row[0] << " is queried by no case file";
  }
}

TEST(SqlCaseFileTest, MalformedFilesNameTheLine) {
  EXPECT_THROW(ParseSqlCases("select 1\n"), std::runtime_error);
  EXPECT_THROW(ParseSqlCases("query x\nSELECT 1\n\n"), std::runtime_error);
  EXPECT_THROW(ParseSqlCases("error x\nSELECT 1\n----\n"), std::runtime_error);
  const auto cases = ParseSqlCases("# c\nquery one\nSELECT 1\n----\n1\n\nquery none\nSELECT 2\n"
                                   "WHERE 0\n----\n");
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].line, 2);
  EXPECT_EQ(cases[0].expected, std::vector<std::string>{"1"});
  EXPECT_EQ(cases[1].sql, "SELECT 2\nWHERE 0\n");
  EXPECT_TRUE(cases[1].expected.empty());
}

}  // namespace
}  // namespace pixeldex::sqltest
