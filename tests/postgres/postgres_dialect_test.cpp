// PostgresDialect (catalog/query/postgres_dialect.h) against a real
// PostgreSQL: each piece of SQL it writes, run with bound parameters over the
// PostgreSQL index schema holding one instance whose header (PS3.18 F.2 DICOM
// JSON) has a PN object, numbers, a malformed DS and a sequence; and whole
// C-FIND plans of the planner (sql_plan.h) written in it, executed there.

#include "catalog/query/postgres_dialect.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog/index/postgres/pg_connection.h"
#include "catalog/index/postgres/pg_schema.h"
#include "catalog/query/find_request.h"
#include "catalog/query/pg_index_reader.h"
#include "catalog/query/sql_plan.h"
#include "tests/support/postgres_server.h"

namespace pixeldex::query {
namespace {

using index::postgres::PgConnection;
using index::postgres::PgParam;

const SqlDialect& Pg() { return PostgresDialect::Instance(); }

constexpr const char* kHeader = R"json({
  "00080060": {"vr": "CS", "Value": ["CT"]},
  "00081032": {"vr": "SQ", "Value": [
    {"00080100": {"vr": "SH", "Value": ["X1"]}, "00080102": {"vr": "SH", "Value": ["99L"]}}]},
  "00100010": {"vr": "PN", "Value": [{"Alphabetic": "Doe^John"}]},
  "00100020": {"vr": "LO", "Value": ["P1"]},
  "00180050": {"vr": "DS", "Value": [1.25]},
  "00181030": {"vr": "LO", "Value": ["A%B_C\\D"]},
  "00280030": {"vr": "DS", "Value": ["abc", " -2e3 "]}
})json";

class PostgresDialectE2eTest : public ::testing::Test {
 protected:
  // One server for the suite (initdb takes seconds); each test starts from
  // a new schema.
  static void SetUpTestSuite() { server_ = new ::pixeldex::testing::PostgresServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    auto conn = PgConnection::Open(server_->Uri());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_.emplace(std::move(conn).value());
    ASSERT_TRUE(conn_->ExecScript("DROP SCHEMA public CASCADE; CREATE SCHEMA public").ok());
    ASSERT_TRUE(index::postgres::MigratePostgresSchema(*conn_).ok());
    for (const char* sql :
         {"INSERT INTO patients (patient_pk, patient_id, issuer_of_patient_id, patient_name, "
          "updated_at) VALUES (1, 'P1', '', 'Doe^John', 'now')",
          // The study keeps its patient's name and identity, as the writer
          // writes them (patient_identity.h).
          "INSERT INTO studies (study_pk, patient_pk, study_instance_uid, study_date, "
          "study_time, patient_name, patient_id, issuer_of_patient_id, updated_at) VALUES "
          "(1, 1, '1.2.3', '20240315', '1015', 'Doe^John', 'P1', '', 'now')",
          "INSERT INTO series (series_pk, study_pk, series_instance_uid, modality, updated_at) "
          "VALUES (1, 1, '1.2.3.1', 'CT', 'now'), (2, 1, '1.2.3.2', 'SR', 'now')",
          "INSERT INTO instances (instance_pk, series_pk, sop_instance_uid, sop_class_uid, "
          "transfer_syntax_uid, path, size_bytes, sha256, received_at, source) VALUES "
          "(1, 1, '1.2.3.1.1', '1.2.840.10008.5.1.4.1.1.2', '1.2.840.10008.1.2.1', 'a', 1, "
          "'h', 'now', 'import')"}) {
      ASSERT_TRUE(conn_->Exec(sql).ok()) << sql;
    }
    ASSERT_TRUE(conn_
                    ->Exec("INSERT INTO headers (instance_pk, json) VALUES (1, $1::jsonb)",
                           {PgParam::Text(kHeader)})
                    .ok());
  }

  // The first column of the first row of `sql` with `params`; "<null>" for
  // NULL, "<error: ...>" when PostgreSQL refuses the statement.
  std::string Scalar(const std::string& sql, std::vector<PgParam> params = {}) {
    auto rows = conn_->Exec(sql, params);
    if (!rows.ok()) return "<error: " + rows.status().message() + ">";
    if (rows->rows() == 0) return "<none>";
    return rows->IsNull(0, 0) ? "<null>" : std::string(rows->Text(0, 0));
  }

  // Whether the instance's header has a value of `tag` matching `test` (a
  // condition over the value text, with $2 the tested value).
  std::string HeaderValueMatches(Tag tag, const std::string& test, const std::string& value) {
    return Scalar("SELECT EXISTS (SELECT 1 FROM headers h, " +
                      Pg().JsonValues("h.json", "$1", "j") + " WHERE " + test + ")",
                  {PgParam::Text(Pg().ValuesPath(tag)), PgParam::Text(value)});
  }

  static ::pixeldex::testing::PostgresServer* server_;
  std::optional<PgConnection> conn_;
};

::pixeldex::testing::PostgresServer* PostgresDialectE2eTest::server_ = nullptr;

TEST_F(PostgresDialectE2eTest, PlaceholdersAreNumberedAndTrueIsTrue) {
  EXPECT_EQ(Pg().Placeholder(1), "$1");
  EXPECT_EQ(Pg().Placeholder(12), "$12");
  EXPECT_EQ(Scalar("SELECT " + Pg().True() + " AND $1::int = 7", {PgParam::Int(7)}), "t");
}

TEST_F(PostgresDialectE2eTest, CaseInsensitiveEqualityFoldsAsciiOnly) {
  const std::string sql =
      "SELECT count(*) FROM patients p WHERE " + Pg().CaseInsensitiveEquals("p.patient_name", "$1");
  EXPECT_EQ(Scalar(sql, {PgParam::Text("dOE^jOHN")}), "1");
  EXPECT_EQ(Scalar(sql, {PgParam::Text("Doe^Joh")}), "0");
  // As SQLite's NOCASE (find_options.h): letters outside ASCII keep their case.
  EXPECT_EQ(
      Scalar("SELECT " + Pg().CaseInsensitiveEquals("'ÄRZTIN'", "$1"), {PgParam::Text("ärztin")}),
      "f");
}

TEST_F(PostgresDialectE2eTest, PatternsFollowDicomWildcardsWithEveryOtherCharacterLiteral) {
  auto matches = [&](const std::string& value, const std::string& pattern, bool insensitive) {
    return Scalar(
        "SELECT " + Pg().PatternMatch("$1::text", "$2", insensitive),
        {PgParam::Text(value), PgParam::Text(Pg().PatternParameter(pattern, insensitive))});
  };
  // PS3.4 C.2.2.2.4: '*' any run (also none), '?' exactly one character.
  EXPECT_EQ(matches("Doe^John", "doe*", true), "t");
  EXPECT_EQ(matches("Doe^John", "doe*", false), "f");
  EXPECT_EQ(matches("Doe^John", "Doe^Jo?n", false), "t");
  EXPECT_EQ(matches("Doe^John", "Doe^J?", false), "f");
  EXPECT_EQ(matches("Doe", "Doe*", false), "t");
  // LIKE's own wildcards and its escape are literal characters in DICOM.
  EXPECT_EQ(matches("A%B_C\\D", "A%B_C\\D", false), "t");
  EXPECT_EQ(matches("AxByC\\D", "A%B_C\\D", false), "f");
  EXPECT_EQ(matches("A%B_C\\D", "a%b*", true), "t");
  EXPECT_EQ(matches("AxB", "a%b", true), "f");
}

TEST_F(PostgresDialectE2eTest, NumbersCastAndWhatIsNoNumberIsNull) {
  auto real = [&](const std::string& text) {
    return Scalar("SELECT " + Pg().CastToReal("$1::text"), {PgParam::Text(text)});
  };
  EXPECT_EQ(real("1.25"), "1.25");
  EXPECT_EQ(real(" -2e3 "), "-2000");
  EXPECT_EQ(real(".5"), "0.5");
  EXPECT_EQ(real("abc"), "<null>");  // not an error for the whole statement
  EXPECT_EQ(real(""), "<null>");
  // Integer columns (bigint) too, and their emptiness is asked as text.
  EXPECT_EQ(Scalar("SELECT " + Pg().CastToReal("$1::bigint"), {PgParam::Int(12)}), "12");
  EXPECT_EQ(Scalar("SELECT " + Pg().NotEmpty("$1::bigint"), {PgParam::Int(0)}), "t");
  EXPECT_EQ(Scalar("SELECT " + Pg().NotEmpty("$1::text"), {PgParam::Text("")}), "f");
}

TEST_F(PostgresDialectE2eTest, ReadsAttributesOfTheJsonbHeader) {
  const std::string attribute =
      Scalar("SELECT " + Pg().JsonAttribute("h.json", "$1") + " FROM headers h",
             {PgParam::Text(Pg().AttributePath({0x0010, 0x0010}))});
  EXPECT_EQ(attribute, R"({"vr": "PN", "Value": [{"Alphabetic": "Doe^John"}]})");
  EXPECT_EQ(Scalar("SELECT " + Pg().JsonAttribute("h.json", "$1") + " FROM headers h",
                   {PgParam::Text(Pg().AttributePath({0x0010, 0x0030}))}),
            "<null>");
}

TEST_F(PostgresDialectE2eTest, ValuesOfStringsNumbersAndPersonNames) {
  const std::string equal = Pg().ValueText("j") + " = $2";
  EXPECT_EQ(HeaderValueMatches({0x0010, 0x0020}, equal, "P1"), "t");
  EXPECT_EQ(HeaderValueMatches({0x0010, 0x0020}, equal, "P2"), "f");
  EXPECT_EQ(HeaderValueMatches({0x0010, 0x0010}, equal, "Doe^John"), "t");  // PN Alphabetic
  EXPECT_EQ(HeaderValueMatches({0x0018, 0x0050}, equal, "1.25"), "t");      // a JSON number
  EXPECT_EQ(
      HeaderValueMatches({0x0028, 0x0030},
                         Pg().CastToReal(Pg().ValueText("j")) + " = $2::double precision", "-2000"),
      "t");  // the second value; "abc" is no number and no error
  EXPECT_EQ(HeaderValueMatches({0x0010, 0x0040}, equal, "M"), "f");  // absent
}

TEST_F(PostgresDialectE2eTest, SequenceItemsAreReadFurther) {
  // PS3.4 C.2.2.2.6: a value inside an item of the stored sequence.
  const std::string sql = "SELECT EXISTS (SELECT 1 FROM headers h, " +
                          Pg().JsonValues("h.json", "$1", "j1") + ", " +
                          Pg().JsonValues(Pg().ValueItem("j1"), "$2", "j2") + " WHERE " +
                          Pg().ValueText("j2") + " = $3)";
  auto has = [&](const std::string& code) {
    return Scalar(sql, {PgParam::Text(Pg().ValuesPath({0x0008, 0x1032})),
                        PgParam::Text(Pg().ValuesPath({0x0008, 0x0100})), PgParam::Text(code)});
  };
  EXPECT_EQ(has("X1"), "t");
  EXPECT_EQ(has("99L"), "f");
}

TEST_F(PostgresDialectE2eTest, StringAggregateJoinsWithTheSeparator) {
  EXPECT_EQ(Scalar("SELECT " + Pg().StringAggregate("modality", "\\") +
                   " FROM (SELECT modality FROM series ORDER BY modality) m"),
            "CT\\SR");
}

// Whole plans of the planner, in this dialect, run on PostgreSQL with their
// parameters bound: each finds the one study.
TEST_F(PostgresDialectE2eTest, PlannerPlansRunOnPostgres) {
  const std::vector<std::vector<QueryKey>> identifiers = {
      {{{0x0008, 0x0052}, "CS", "STUDY", {}},
       {{0x0010, 0x0010}, "PN", "doe*", {}},
       {{0x0010, 0x0020}, "LO", "P1", {}},
       {{0x0008, 0x0020}, "DA", "20240101-20241231", {}},
       {{0x0008, 0x0061}, "CS", "", {}},
       {{0x0008, 0x0062}, "UI", "", {}},
       {{0x0020, 0x1208}, "IS", "", {}},
       {{0x0018, 0x1030}, "LO", "", {}}},
      {{{0x0008, 0x0052}, "CS", "STUDY", {}},
       {{0x0010, 0x0010}, "PN", "DOE^JOHN", {}},
       {{0x0008, 0x0030}, "TM", "1000-1100", {}}},
      {{{0x0008, 0x0052}, "CS", "IMAGE", {}},
       {{0x0020, 0x000D}, "UI", "1.2.3", {}},
       {{0x0020, 0x000E}, "UI", "1.2.3.1", {}},
       {{0x0018, 0x0050}, "DS", "1.25", {}},
       {{0x0008, 0x1032}, "SQ", "", {{{{0x0008, 0x0100}, "SH", "X1", {}}}}}},
  };
  for (const auto& identifier : identifiers) {
    auto request = MakeFindRequest(InformationModel::kStudyRoot, identifier);
    ASSERT_TRUE(request.ok()) << request.status().ToString();
    auto plan = BuildSqlPlan(*request, FindOptions{}, Pg());
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    auto rows = conn_->Exec(plan->sql, PgParamsOf(*plan));
    ASSERT_TRUE(rows.ok()) << rows.status().ToString() << "\n" << plan->sql;
    EXPECT_EQ(rows->rows(), 1) << plan->sql;
  }
}

}  // namespace
}  // namespace pixeldex::query
