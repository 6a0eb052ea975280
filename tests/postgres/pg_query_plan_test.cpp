// PostgreSQL's plans for the searches of a month of studies, C-FIND and a
// QIDO-RS page (PS3.18 8.3.4.4), as the planner writes them in
// PostgresDialect: EXPLAIN (FORMAT JSON) of the statement declared as a
// cursor inside the transaction of PgRowCursor's own cursor over it, opened
// as the reader opens it (PlanningOf: a C-FIND to start early, a window for
// all its rows; cursor_tuple_fraction), with its
// parameters bound, on a real PostgreSQL
// whose tables hold enough analysed rows for the planner's choice to mean
// something: 40,000 studies of 20,000 patients over ten years, in an order
// unrelated to their dates, as an archive receives them (a month is about
// 330 studies). Nothing forces a plan (no enable_* setting).
//
// The plans must find the month through the date index, read no table of
// studies or patients whole (no Seq Scan; no index walked without a
// condition, as the merge join that the paged statement once got walked the
// studies' key: bench/README.md "On PostgreSQL"), and read no patient row:
// the study keeps its patient's Patient ID and Issuer (schema version 4).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog/index/postgres/pg_connection.h"
#include "catalog/index/postgres/pg_row_cursor.h"
#include "catalog/index/postgres/pg_schema.h"
#include "catalog/query/find_request.h"
#include "catalog/query/pg_index_reader.h"
#include "catalog/query/postgres_dialect.h"
#include "catalog/query/sql_plan.h"
#include "tests/support/postgres_server.h"

namespace pixeldex::query::testing {
namespace {

using index::postgres::PgConnection;
using nlohmann::json;

constexpr int kPlanPatients = 20000;
constexpr int kPlanStudies = 40000;

class PgQueryPlanE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ::pixeldex::testing::PostgresServer();
    auto conn = PgConnection::Open(server_->Uri());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE(index::postgres::MigratePostgresSchema(*conn).ok());
    // Dates spread over 2016-2025 by a multiplicative hash of the study's
    // number: neighbours in key order are years apart.
    const std::string rows =
        "INSERT INTO patients (patient_id, issuer_of_patient_id, patient_name, updated_at) "
        "SELECT 'PID' || n, '', 'SURNAME' || (n % 100) || '^GIVEN', 'x' FROM generate_series(1, " +
        std::to_string(kPlanPatients) +
        ") n;"
        "INSERT INTO studies (patient_pk, patient_id, study_instance_uid, study_date, "
        "accession_number, patient_name, updated_at, number_of_series, number_of_instances, "
        "modalities_in_study) "
        "SELECT 1 + (n * 7919) % " +
        std::to_string(kPlanPatients) + ", 'PID' || (1 + (n * 7919) % " +
        std::to_string(kPlanPatients) + "), '1.2.826.0.1.' || n, "
        "to_char(date '2016-01-01' + ((n::bigint * 2654435761) % 3653)::int, 'YYYYMMDD'), "
        "'ACC' || n, 'SURNAME^GIVEN', 'x', 5, 50, 'CT' FROM generate_series(1, " +
        std::to_string(kPlanStudies) + ") n;"
        "ANALYZE;";
    ASSERT_TRUE(conn->ExecScript(rows).ok());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // The plan tree of the study search for `keys` (with the window `page`),
  // declared as a cursor.
  json Explain(std::vector<QueryKey> keys, const std::optional<FindPage>& page) {
    keys.push_back({kQueryRetrieveLevel, "CS", "STUDY", {}});
    auto request = MakeFindRequest(InformationModel::kStudyRoot, std::move(keys));
    EXPECT_TRUE(request.ok()) << request.status().ToString();
    if (!request.ok()) return {};
    auto plan = BuildSqlPlan(*request, FindOptions{}, PostgresDialect::Instance(), page);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    if (!plan.ok()) return {};
    auto conn = PgConnection::Open(server_->Uri());
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) return {};
    // Inside the transaction of the reader's own cursor over the statement,
    // with the settings it plans under.
    const auto params = PgParamsOf(*plan);
    auto cursor = index::postgres::PgRowCursor::Open(*conn, plan->sql, params,
                                                     std::chrono::milliseconds(0), PlanningOf(*plan));
    EXPECT_TRUE(cursor.ok()) << cursor.status().ToString();
    if (!cursor.ok()) return {};
    auto rows = conn->Exec("EXPLAIN (FORMAT JSON) DECLARE plan_probe NO SCROLL CURSOR FOR " + plan->sql,
                           params);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString() << "\n" << plan->sql;
    if (!rows.ok()) return {};
    sql_ = plan->sql;
    return json::parse(rows->Text(0, 0)).at(0).at("Plan");
  }

  // Every node of `plan`, depth first.
  static void ForEachNode(const json& plan, const std::function<void(const json&)>& visit) {
    visit(plan);
    if (plan.contains("Plans")) {
      for (const json& child : plan.at("Plans")) ForEachNode(child, visit);
    }
  }

  // The scans of `table` in `plan`, as "Node Type[ using Index Name][ (keyed)]".
  static std::vector<std::string> ScansOf(const json& plan, const std::string& table) {
    std::vector<std::string> scans;
    ForEachNode(plan, [&](const json& node) {
      if (node.value("Relation Name", "") != table) return;
      std::string scan = node.at("Node Type").get<std::string>();
      if (node.contains("Index Name")) scan += " using " + node.at("Index Name").get<std::string>();
      if (node.contains("Index Cond")) scan += " (keyed)";
      scans.push_back(scan);
    });
    return scans;
  }

  // Whether a node of `plan` reads through `index`.
  static bool UsesIndex(const json& plan, const std::string& index) {
    bool found = false;
    ForEachNode(plan, [&](const json& node) { found |= node.value("Index Name", "") == index; });
    return found;
  }

  // `table` is read only through an index and a condition: no Seq Scan, no
  // index walked whole.
  void ExpectReadByKeyOnly(const json& plan, const std::string& table) {
    for (const std::string& scan : ScansOf(plan, table)) {
      const bool keyed = scan.find("(keyed)") != std::string::npos ||
                         scan.rfind("Bitmap Heap Scan", 0) == 0;  // its keys from a bitmap index scan
      EXPECT_TRUE(keyed) << table << ": " << scan << "\n" << plan.dump(1) << "\n" << sql_;
    }
  }

  // A month of Study Date with a study browser's return keys, and `more`.
  static std::vector<QueryKey> Month(std::vector<QueryKey> more) {
    more.push_back({{0x0008, 0x0020}, "DA", "20210301-20210331", {}});
    more.push_back({{0x0008, 0x0050}, "SH", "", {}});  // Accession Number
    more.push_back({{0x0010, 0x0010}, "PN", "", {}});  // the study's own Patient's Name
    more.push_back({{0x0008, 0x0061}, "CS", "", {}});  // Modalities in Study
    return more;
  }

  static ::pixeldex::testing::PostgresServer* server_;
  std::string sql_;  // the statement last explained
};
::pixeldex::testing::PostgresServer* PgQueryPlanE2eTest::server_ = nullptr;

const QueryKey kAnyPatientId{{0x0010, 0x0020}, "LO", "", {}};

// C-FIND of a month, as a study browser asks it (Patient ID and its issuer
// returned): the study's copy of its patient's identity, no patient row.
TEST_F(PgQueryPlanE2eTest, CFindOfAMonthUsesTheDateIndexAndReadsNoPatientRow) {
  const json plan = Explain(Month({kAnyPatientId, {{0x0010, 0x0021}, "LO", "", {}}}), std::nullopt);
  ASSERT_FALSE(plan.is_null());
  EXPECT_TRUE(UsesIndex(plan, "studies_date")) << plan.dump(1);
  ExpectReadByKeyOnly(plan, "studies");
  EXPECT_TRUE(ScansOf(plan, "patients").empty()) << plan.dump(1) << "\n" << sql_;
}

// Without Patient ID no patient row is read either: the study keeps its own name.
TEST_F(PgQueryPlanE2eTest, CFindOfAMonthWithoutPatientIdReadsNoPatientRow) {
  const json plan = Explain(Month({}), std::nullopt);
  ASSERT_FALSE(plan.is_null());
  EXPECT_TRUE(UsesIndex(plan, "studies_date")) << plan.dump(1);
  ExpectReadByKeyOnly(plan, "studies");
  EXPECT_TRUE(ScansOf(plan, "patients").empty()) << plan.dump(1);
}

// QIDO-RS pages of a month: the server's cap (query.max_results 10,000, one
// more asked for), a browser's page, and a deep page.
TEST_F(PgQueryPlanE2eTest, QidoPagesOfAMonthUseTheDateIndexAndReadNoTableWhole) {
  for (const FindPage page : {FindPage{0, 10001}, FindPage{0, 25}, FindPage{200, 25}}) {
    SCOPED_TRACE("offset " + std::to_string(page.offset) + " limit " + std::to_string(*page.limit));
    const json plan = Explain(Month({kAnyPatientId}), page);
    ASSERT_FALSE(plan.is_null());
    EXPECT_TRUE(UsesIndex(plan, "studies_date")) << plan.dump(1) << "\n" << sql_;
    ExpectReadByKeyOnly(plan, "studies");
    ExpectReadByKeyOnly(plan, "patients");
    EXPECT_TRUE(ScansOf(plan, "patients").empty()) << plan.dump(1) << "\n" << sql_;
  }
}

}  // namespace
}  // namespace pixeldex::query::testing
