// The SQL dialect seam: the SQLite dialect's text for each piece the planner
// asks for, and the planner writing every engine-specific piece (here the
// placeholders) through the dialect it is given, in parameter order.

#include <gtest/gtest.h>

#include <regex>

#include "catalog/query/find_engine.h"
#include "catalog/query/find_request.h"
#include "catalog/query/sql_plan.h"
#include "catalog/query/sqlite_dialect.h"
#include "tests/query/fixture_index.h"

namespace pixeldex::query::testing {
namespace {

const SqlDialect& Sqlite() { return SqliteDialect::Instance(); }

TEST(SqliteDialectTest, PlaceholdersAreAnonymousAndTrueIsOne) {
  EXPECT_EQ(Sqlite().Placeholder(1), "?");
  EXPECT_EQ(Sqlite().Placeholder(7), "?");
  EXPECT_EQ(Sqlite().True(), "1");
  EXPECT_EQ(Sqlite().NotEmpty("se.series_number"), "se.series_number <> ''");
}

TEST(SqliteDialectTest, CaseInsensitiveEqualityUsesNocase) {
  EXPECT_EQ(Sqlite().CaseInsensitiveEquals("p.patient_name", "?"),
            "p.patient_name = ? COLLATE NOCASE");
}

TEST(SqliteDialectTest, CaseInsensitivePatternsAreEscapedLikePatterns) {
  // PS3.4 C.2.2.2.4: '*' any run, '?' one character, all else literal.
  EXPECT_EQ(Sqlite().PatternParameter("A*b?%_\\", true), "A%b_\\%\\_\\\\");
  EXPECT_EQ(Sqlite().PatternMatch("x", "?", true), "x LIKE ? ESCAPE '\\'");
}

TEST(SqliteDialectTest, CaseSensitivePatternsAreGlobPatterns) {
  EXPECT_EQ(Sqlite().PatternParameter("[A*b?%", false), "[[]A*b?%");
  EXPECT_EQ(Sqlite().PatternMatch("x", "?", false), "x GLOB ?");
}

TEST(SqliteDialectTest, NumbersCastToReal) {
  EXPECT_EQ(Sqlite().CastToReal("x"), "CAST(x AS REAL)");
}

TEST(SqliteDialectTest, JsonAccessUsesJson1OverDicomJson) {
  const Tag name{0x0010, 0x0010};
  EXPECT_EQ(Sqlite().AttributePath(name), "$.\"00100010\"");
  EXPECT_EQ(Sqlite().ValuesPath(name), "$.\"00100010\".Value");
  EXPECT_EQ(Sqlite().JsonAttribute("h.json", "?"), "json_extract(h.json, ?)");
  EXPECT_EQ(Sqlite().JsonAttributeIfPresent("h.json", name, "?"),
            "CASE WHEN instr(h.json, '\"00100010\"') > 0 THEN json_extract(h.json, ?) END");
  EXPECT_EQ(Sqlite().JsonValues("h.json", "?", "j1"), "json_each(h.json, ?) j1");
  EXPECT_EQ(Sqlite().ValueItem("j1"), "j1.value");
  EXPECT_EQ(Sqlite().ValueText("j1"), "COALESCE(j1.atom, json_extract(j1.value, '$.Alphabetic'))");
}

TEST(SqliteDialectTest, StringAggregationIsGroupConcat) {
  EXPECT_EQ(Sqlite().StringAggregate("m.modality", "\\"), "group_concat(m.modality, '\\')");
}

// The SQLite dialect with numbered placeholders (?NNN, which SQLite accepts
// too), as PostgreSQL's $N.
class NumberedDialect : public SqliteDialect {
 public:
  std::string Placeholder(size_t number) const override { return "?" + std::to_string(number); }
};

// A study query whose plan has parameters in the SELECT list (a header
// return key), in the WHERE clause (typed, pattern, header and date keys) and
// an aggregate (SOP Classes in Study).
FindRequest StudyRequest() {
  auto request = MakeFindRequest(
      InformationModel::kStudyRoot,
      {{{0x0008, 0x0052}, "CS", "STUDY", {}},
       {{0x0010, 0x0010}, "PN", "Doe*", {}},
       {{0x0010, 0x0020}, "LO", "P1", {}},
       {{0x0008, 0x0020}, "DA", "20240101-20241231", {}},
       {{0x0008, 0x0062}, "UI", "", {}},
       {{0x0032, 0x1060}, "LO", "", {}},
       {{0x0008, 0x1032}, "SQ", "", {{{{0x0008, 0x0100}, "SH", "X1", {}}}}}});
  EXPECT_TRUE(request.ok()) << request.status().ToString();
  return *request;
}

TEST(SqlDialectSeamTest, PlannerNumbersPlaceholdersInParameterOrder) {
  const NumberedDialect numbered;
  auto plan = BuildSqlPlan(StudyRequest(), FindOptions{}, numbered);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_GE(plan->params.size(), 5u);
  std::vector<size_t> seen;
  const std::regex placeholder("\\?([0-9]+)");
  for (std::sregex_iterator it(plan->sql.begin(), plan->sql.end(), placeholder), end; it != end;
       ++it) {
    seen.push_back(std::stoul((*it)[1].str()));
  }
  std::vector<size_t> expected(plan->params.size());
  for (size_t k = 0; k < expected.size(); ++k) expected[k] = k + 1;
  EXPECT_EQ(seen, expected) << plan->sql;
}

TEST(SqlDialectSeamTest, PlannerWritesNoPlaceholderOfItsOwn) {
  // With the placeholders numbered, the plan is the SQLite plan but for the
  // numbers: every placeholder came from the dialect.
  const NumberedDialect numbered;
  auto numbered_plan = BuildSqlPlan(StudyRequest(), FindOptions{}, numbered);
  auto sqlite_plan = BuildSqlPlan(StudyRequest(), FindOptions{}, Sqlite());
  ASSERT_TRUE(numbered_plan.ok() && sqlite_plan.ok());
  EXPECT_EQ(std::regex_replace(numbered_plan->sql, std::regex("\\?[0-9]+"), "?"), sqlite_plan->sql);
}

class NumberedPlanTest : public TempIndexTest {};

TEST_F(NumberedPlanTest, RunsOnTheIndex) {
  const NumberedDialect numbered;
  auto plan = BuildSqlPlan(StudyRequest(), FindOptions{}, numbered);
  ASSERT_TRUE(plan.ok());
  auto stmt = PrepareFind(temp_->db(), *plan);
  ASSERT_TRUE(stmt.ok()) << stmt.status().ToString() << "\n" << plan->sql;
  EXPECT_FALSE(stmt->Step());
  EXPECT_TRUE(stmt->status().ok()) << stmt->status().ToString();
}

}  // namespace
}  // namespace pixeldex::query::testing
