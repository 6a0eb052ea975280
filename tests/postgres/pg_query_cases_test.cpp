// The C-FIND case files (tests/query/cases/*.txt) on PostgreSQL: each case
// file's fixture is built as a SQLite index the way query_test builds it,
// copied into a real PostgreSQL by `index copy` (catalog/index/copy), and
// every case's plan, written by the planner in PostgresDialect, runs there
// with its parameters bound; its matches must be the case's expected ones,
// as they are on SQLite (query_cases_test.cpp). Cases that expect a refusal
// or a limit are left to the SQLite path: they test the engine, not the SQL.
// Each case runs paged too, as QIDO-RS runs it (PS3.18 8.3.4.4, FindPage):
// windows of two matches, one after the other, give the same matches, each
// once.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "catalog/index/copy/index_copy.h"
#include "catalog/index/postgres/pg_connection.h"
#include "catalog/query/attribute_catalog.h"
#include "catalog/query/find_request.h"
#include "catalog/query/pg_index_reader.h"
#include "catalog/query/postgres_dialect.h"
#include "catalog/query/sql_plan.h"
#include "tests/query/case_file.h"
#include "tests/query/fixture_index.h"
#include "tests/support/postgres_server.h"

namespace pixeldex::query::testing {
namespace {

using index::postgres::PgConnection;

const std::vector<std::string> kCaseFiles = {
    "single_value",  "universal",    "wildcard",         "range",
    "uid_list",      "sequence",     "empty_values",     "levels_and_validation",
    "computed_keys", "charset_utf8", "header_json_keys", "study_patient_attributes",
};

class PgQueryCasesE2eTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { server_ = new ::pixeldex::testing::PostgresServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static ::pixeldex::testing::PostgresServer* server_;
};
::pixeldex::testing::PostgresServer* PgQueryCasesE2eTest::server_ = nullptr;

TEST_P(PgQueryCasesE2eTest, PostgresGivesTheExpectedMatches) {
  auto file =
      LoadCaseFile(std::string(PIXELDEX_SOURCE_DIR) + "/tests/query/cases/" + GetParam() + ".txt");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto temp = TempIndex::Create();
  ASSERT_TRUE(temp.ok()) << temp.status().ToString();
  ASSERT_TRUE(LoadFixture(temp->db(), file->fixture).ok());
  index::copy::CopyOptions copy_options;
  copy_options.replace = true;  // the previous case file's rows
  auto copied = index::copy::CopyIndex(temp->path(), server_->Uri(), copy_options);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  auto conn = PgConnection::Open(server_->Uri());
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();

  int ran = 0;
  for (const QueryCase& c : file->cases) {
    if (c.expect_error || c.options.max_results > 0) continue;
    SCOPED_TRACE(GetParam() + ".txt:" + std::to_string(c.line) + " case " + c.name);
    auto request = MakeFindRequest(c.model, c.Identifier(), c.combined_datetime);
    ASSERT_TRUE(request.ok()) << request.status().ToString();
    auto plan = BuildSqlPlan(*request, c.options, PostgresDialect::Instance());
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    const Tag unique = UniqueKeyOf(request->level);
    const auto key = std::find_if(plan->columns.begin(), plan->columns.end(),
                                  [&](const ReturnColumn& r) { return r.tag == unique; });
    ASSERT_NE(key, plan->columns.end());
    const int key_column = static_cast<int>(key - plan->columns.begin());
    auto rows = conn->Exec(plan->sql, PgParamsOf(*plan));
    ASSERT_TRUE(rows.ok()) << rows.status().ToString() << "\n" << plan->sql;
    std::vector<std::string> got;
    for (int r = 0; r < rows->rows(); ++r) got.emplace_back(rows->Text(r, key_column));
    std::sort(got.begin(), got.end());
    std::vector<std::string> expected = c.expect_matches;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(got, expected) << plan->sql;

    std::vector<std::string> paged;
    for (size_t offset = 0;; offset += 2) {
      auto window = BuildSqlPlan(*request, c.options, PostgresDialect::Instance(), FindPage{offset, 2});
      ASSERT_TRUE(window.ok()) << window.status().ToString();
      auto page = conn->Exec(window->sql, PgParamsOf(*window));
      ASSERT_TRUE(page.ok()) << page.status().ToString() << "\n" << window->sql;
      ASSERT_LE(page->rows(), 2);
      for (int r = 0; r < page->rows(); ++r) paged.emplace_back(page->Text(r, key_column));
      if (page->rows() < 2) break;
    }
    // Every match exactly once: windows out of the key's order would
    // repeat some and skip others.
    std::vector<std::string> paged_sorted = paged;
    std::sort(paged_sorted.begin(), paged_sorted.end());
    EXPECT_EQ(paged_sorted, expected) << "paged";
    ++ran;
  }
  EXPECT_GT(ran, 0);
}

INSTANTIATE_TEST_SUITE_P(CaseFiles, PgQueryCasesE2eTest, ::testing::ValuesIn(kCaseFiles),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace pixeldex::query::testing
