// The PostgreSQL index schema against a real PostgreSQL: the same tables,
// columns and views as a new SQLite index; migrations that are idempotent,
// refuse a newer database and are safe when two nodes start at once; rows
// with a jsonb header and a bytea thumbnail through bound parameters, read
// back through the views; the header index serving containment; and the
// analysts' read-only role.
#include "catalog/index/postgres/pg_schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "catalog/index/postgres/pg_connection.h"
#include "catalog/index/postgres/pg_read_only_role.h"
#include "catalog/index/schema.h"
#include "catalog/index/sqlite_db.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::index::postgres {
namespace {

using testing::PostgresServer;

struct Column {
  std::string name;
  std::string type;  // as PostgreSQL names it; empty for view columns
  bool not_null = false;
  bool operator==(const Column&) const = default;
};
using Relations = std::map<std::string, std::vector<Column>>;  // table or view -> columns

// The PostgreSQL type a column of the SQLite schema becomes: the header is
// jsonb, every other column keeps its kind.
std::string PostgresTypeOf(const std::string& table, const std::string& column,
                           const std::string& sqlite_type) {
  if (table == "headers" && column == "json") return "jsonb";
  if (sqlite_type == "INTEGER") return "bigint";
  if (sqlite_type == "BLOB") return "bytea";
  return "text";
}

// The tables and views of a new SQLite index, as PostgreSQL should have them.
Relations SqliteRelations() {
  testing::TempDir dir;
  auto db = Db::Open(dir / "index.db", Db::Mode::kReadWrite);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_TRUE(PrepareForWriting(*db).ok());
  Relations out;
  // A primary key is NOT NULL in PostgreSQL; SQLite's table_info says so
  // only when it is declared.
  auto stmt = db->Prepare(
      "SELECT m.name, m.type, c.name, c.type, c.\"notnull\" OR c.pk > 0 FROM sqlite_master m "
      "JOIN pragma_table_info(m.name) c WHERE m.type IN ('table', 'view') "
      "AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, c.cid");
  EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
  while (stmt->Step()) {
    const std::string table = stmt->Text(0);
    const bool view = stmt->Text(1) == "view";
    const std::string column = stmt->Text(2);
    out[table].push_back({column, view ? "" : PostgresTypeOf(table, column, stmt->Text(3)),
                          !view && stmt->Int(4) != 0});
  }
  return out;
}

class PgSchemaE2eTest : public ::testing::Test {
 protected:
  PgConnection Connect(const std::string& uri) {
    auto conn = PgConnection::Open(uri);
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return std::move(conn).value();
  }

  // The tables and views of the public schema, but the version table.
  Relations PostgresRelations(PgConnection& conn) {
    auto rows = conn.Exec(
        "SELECT c.table_name, t.table_type, c.column_name, c.data_type, c.is_nullable "
        "FROM information_schema.columns c JOIN information_schema.tables t "
        "USING (table_schema, table_name) WHERE c.table_schema = 'public' "
        "AND c.table_name <> 'schema_version' ORDER BY c.table_name, c.ordinal_position");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    Relations out;
    for (int r = 0; r < rows->rows(); ++r) {
      const bool view = rows->Text(r, 1) == "VIEW";
      out[std::string(rows->Text(r, 0))].push_back({std::string(rows->Text(r, 2)),
                                                    view ? "" : std::string(rows->Text(r, 3)),
                                                    !view && rows->Text(r, 4) == "NO"});
    }
    return out;
  }

  int64_t Count(PgConnection& conn, const std::string& sql) {
    auto rows = conn.Exec(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    return rows.ok() ? *rows->Int(0, 0) : -1;
  }

  PostgresServer server_;
};

// Table columns compare by name (their order follows the attribute table
// here and the history of migrations in SQLite); view columns in order.
Relations Comparable(Relations relations) {
  for (auto& [name, columns] : relations) {
    if (columns.front().type.empty()) continue;  // a view
    std::sort(columns.begin(), columns.end(),
              [](const Column& a, const Column& b) { return a.name < b.name; });
  }
  return relations;
}

std::ostream& operator<<(std::ostream& out, const Column& c) {
  return out << c.name << " " << c.type << (c.not_null ? " NOT NULL" : "");
}

TEST_F(PgSchemaE2eTest, HasTheTablesColumnsAndViewsOfTheSqliteIndex) {
  PgConnection conn = Connect(server_.Uri());
  EXPECT_EQ(*ReadPostgresSchemaVersion(conn), 0);
  Status migrated = MigratePostgresSchema(conn);
  ASSERT_TRUE(migrated.ok()) << migrated.ToString();
  EXPECT_EQ(*ReadPostgresSchemaVersion(conn), PostgresSchemaVersion());

  const Relations sqlite = Comparable(SqliteRelations());
  const Relations postgres = Comparable(PostgresRelations(conn));
  ASSERT_FALSE(sqlite.empty());
  for (const auto& [name, columns] : sqlite) {
    const auto found = postgres.find(name);
    ASSERT_NE(found, postgres.end()) << "missing table or view " << name;
    EXPECT_EQ(found->second, columns) << "in " << name;
  }
  for (const auto& [name, columns] : postgres) {
    EXPECT_TRUE(sqlite.count(name)) << "PostgreSQL has " << name << ", SQLite has not";
  }
  // The tag dictionary was loaded.
  EXPECT_GT(Count(conn, "SELECT count(*) FROM dicom_dictionary"), 4000);
}

TEST_F(PgSchemaE2eTest, MigratingAgainChangesNothing) {
  PgConnection conn = Connect(server_.Uri());
  ASSERT_TRUE(MigratePostgresSchema(conn).ok());
  ASSERT_TRUE(conn.Exec("INSERT INTO patients (patient_id, issuer_of_patient_id, updated_at) "
                        "VALUES ('P1', '', 'now')")
                  .ok());
  Status again = MigratePostgresSchema(conn);
  EXPECT_TRUE(again.ok()) << again.ToString();
  EXPECT_EQ(Count(conn, "SELECT count(*) FROM schema_version"), PostgresSchemaVersion());
  EXPECT_EQ(Count(conn, "SELECT count(*) FROM patients"), 1);
}

TEST_F(PgSchemaE2eTest, TwoNodesStartingAtOnceBothFindOneSchema) {
  // Each thread its own connection, as two pixeldex nodes would have.
  std::vector<Status> results(4);
  std::vector<std::thread> nodes;
  for (Status& result : results) {
    nodes.emplace_back([&] {
      auto conn = PgConnection::Open(server_.Uri());
      result = conn.ok() ? MigratePostgresSchema(*conn) : conn.status();
    });
  }
  for (std::thread& node : nodes) node.join();
  for (const Status& result : results) EXPECT_TRUE(result.ok()) << result.ToString();
  PgConnection conn = Connect(server_.Uri());
  EXPECT_EQ(Count(conn, "SELECT count(*) FROM schema_version"), PostgresSchemaVersion());
  EXPECT_EQ(*ReadPostgresSchemaVersion(conn), PostgresSchemaVersion());
}

TEST_F(PgSchemaE2eTest, RefusesADatabaseOfANewerVersion) {
  PgConnection conn = Connect(server_.Uri());
  ASSERT_TRUE(MigratePostgresSchema(conn).ok());
  ASSERT_TRUE(conn.Exec("INSERT INTO schema_version (version) VALUES ($1)",
                        {PgParam::Int(PostgresSchemaVersion() + 1)})
                  .ok());
  Status refused = MigratePostgresSchema(conn);
  EXPECT_EQ(refused.code(), Status::Code::kUnsupported) << refused.ToString();
  EXPECT_NE(refused.message().find("newer"), std::string::npos);
}

// One instance with its header and thumbnail, through bound parameters.
void InsertInstance(PgConnection& conn, const std::string& header, const std::string& png) {
  const Status s = conn.Transaction([&](PgConnection& c) -> Status {
    PIXELDEX_RETURN_IF_ERROR(
        c.Exec("INSERT INTO patients (patient_pk, patient_id, issuer_of_patient_id, patient_name, "
               "updated_at) VALUES (1, $1, '', $2, 't')",
               {PgParam::Text("P'1"), PgParam::Text("O'Brien^Seán")})
            .status());
    PIXELDEX_RETURN_IF_ERROR(c.Exec("INSERT INTO studies (study_pk, patient_pk, "
                                    "study_instance_uid, updated_at) VALUES (1, 1, '1.2', 't')")
                                 .status());
    PIXELDEX_RETURN_IF_ERROR(
        c.Exec("INSERT INTO series (series_pk, study_pk, series_instance_uid, modality, "
               "updated_at) VALUES (1, 1, '1.2.3', 'MR', 't'), (2, 1, '1.2.4', 'CT', 't')")
            .status());
    PIXELDEX_RETURN_IF_ERROR(
        c.Exec("INSERT INTO instances (instance_pk, series_pk, sop_instance_uid, sop_class_uid, "
               "transfer_syntax_uid, path, size_bytes, sha256, received_at, source) "
               "VALUES (1, 1, '1.2.3.4', '1.2.840.10008.5.1.4.1.1.4', '1.2.840.10008.1.2.1', "
               "$1, $2, 'ab', 't', 'store')",
               {PgParam::Text("aa/bb/1.dcm"), PgParam::Int(1234)})
            .status());
    PIXELDEX_RETURN_IF_ERROR(
        c.Exec("INSERT INTO headers VALUES (1, $1)", {PgParam::Text(header)}).status());
    return c.Exec("INSERT INTO thumbnails VALUES (1, 'ok', 2, 2, $1)", {PgParam::Bytes(png)})
        .status();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
}

TEST_F(PgSchemaE2eTest, RowsWithJsonbHeaderAndByteaThumbnailReadBackThroughTheViews) {
  PgConnection conn = Connect(server_.Uri());
  ASSERT_TRUE(MigratePostgresSchema(conn).ok());
  const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR'\\", 18);  // 18 bytes, NULs kept
  InsertInstance(conn,
                 R"({"00100010": {"vr": "PN", "Value": [{"Alphabetic": "O'Brien^Seán"}]},)"
                 R"( "00181030": {"vr": "LO", "Value": ["Knee \"left\""]},)"
                 R"( "00280030": {"vr": "DS", "Value": [" 0.5 ", "0.5"]},)"
                 R"( "60003000": {"vr": "OW", "InlineBinary": "AAE="}})",
                 png);

  // The triggers counted the study; modalities sorted and '\'-separated.
  auto study = conn.Exec(
      "SELECT number_of_series, number_of_instances, modalities_in_study "
      "FROM studies");
  ASSERT_TRUE(study.ok()) << study.status().ToString();
  EXPECT_EQ(*study->Int(0, 0), 2);
  EXPECT_EQ(*study->Int(0, 1), 1);
  EXPECT_EQ(study->Text(0, 2), "CT\\MR");
  EXPECT_EQ(Count(conn,
                  "SELECT count(*) FROM study_summary WHERE modalities = 'CT\\MR' "
                  "AND instance_count = 1 AND total_bytes = 1234"),
            1);

  auto tags = conn.Exec("SELECT tag, keyword, vr, value, value_count FROM tags ORDER BY tag");
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  ASSERT_EQ(tags->rows(), 4);
  EXPECT_EQ(tags->Text(0, 1), "PatientName");
  EXPECT_EQ(tags->Text(0, 3), "O'Brien^Seán");
  EXPECT_EQ(tags->Text(1, 3), "Knee \"left\"");
  EXPECT_EQ(tags->Text(2, 3), "0.5");
  EXPECT_EQ(*tags->Int(2, 4), 2);
  EXPECT_EQ(tags->Text(3, 1), "OverlayData");  // the 60xx repeating group
  EXPECT_EQ(tags->Text(3, 3), "AAE=");

  auto thumbnail = conn.Exec("SELECT png FROM thumbnail_images WHERE sop_instance_uid = $1",
                             {PgParam::Text("1.2.3.4")});
  ASSERT_TRUE(thumbnail.ok()) << thumbnail.status().ToString();
  EXPECT_EQ(*thumbnail->Bytes(0, 0), png);
  EXPECT_EQ(Count(conn,
                  "SELECT count(*) FROM instance_details WHERE patient_id = 'P''1' "
                  "AND modality = 'MR'"),
            1);

  // Deleting the instance takes its header and thumbnail and uncounts it.
  ASSERT_TRUE(conn.Exec("DELETE FROM instances").ok());
  EXPECT_EQ(
      Count(conn, "SELECT count(*) FROM headers") + Count(conn, "SELECT count(*) FROM thumbnails"),
      0);
  EXPECT_EQ(Count(conn, "SELECT number_of_instances FROM studies"), 0);
}

// Version 3: a series or instance UPDATE recounts its study only when it
// moves the row or changes the modality, as SQLite's triggers do; the
// writer's series upsert sets modality for every instance stored, and
// recounting the whole study each time made a store cost O(study size).
TEST_F(PgSchemaE2eTest, CountTriggersRecountAStudyOnlyWhenASeriesChanges) {
  PgConnection conn = Connect(server_.Uri());
  ASSERT_TRUE(MigratePostgresSchema(conn).ok());
  InsertInstance(conn, R"({"00100010": {"vr": "PN"}})", "png");
  int64_t unchanged_calls = -1, changed_calls = -1;
  const Status s = conn.Transaction([&](PgConnection& c) -> Status {
    // Calls of the recount in this transaction (PostgreSQL documentation
    // 28.2.26, pg_stat_get_xact_function_calls; counted with track_functions).
    const auto calls = [&c]() -> Result<int64_t> {
      auto rows = c.Exec(
          "SELECT coalesce(pg_stat_get_xact_function_calls("
          "'pixeldex_recount_study'::regproc), 0)");
      if (!rows.ok()) return rows.status();
      return rows->Int(0, 0);
    };
    PIXELDEX_RETURN_IF_ERROR(c.Exec("SET LOCAL track_functions = 'all'").status());
    // As the writer's upsert does for an instance of a stored series.
    PIXELDEX_RETURN_IF_ERROR(
        c.Exec("UPDATE series SET modality = coalesce('MR', modality), study_pk = study_pk "
               "WHERE series_pk = 1")
            .status());
    PIXELDEX_RETURN_IF_ERROR(
        c.Exec("UPDATE instances SET series_pk = series_pk").status());
    auto unchanged = calls();
    if (!unchanged.ok()) return unchanged.status();
    unchanged_calls = *unchanged;
    PIXELDEX_RETURN_IF_ERROR(c.Exec("UPDATE series SET modality = 'US' WHERE series_pk = 2").status());
    auto changed = calls();
    if (!changed.ok()) return changed.status();
    changed_calls = *changed;
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(unchanged_calls, 0);
  EXPECT_GE(changed_calls, 1);
  auto study = conn.Exec("SELECT number_of_series, number_of_instances, modalities_in_study FROM studies");
  ASSERT_TRUE(study.ok()) << study.status().ToString();
  EXPECT_EQ(*study->Int(0, 0), 2);
  EXPECT_EQ(*study->Int(0, 1), 1);
  EXPECT_EQ(study->Text(0, 2), "MR\\US");
}

// Version 2 (SQLite version 8) gives each study the Timezone Offset From
// UTC (0008,0201) of its headers, as the writer keeps it: the most recent
// instance's that has a value; a key only inside a sequence item is none.
TEST_F(PgSchemaE2eTest, StudiesOfAVersion1DatabaseGetTheTimezoneOffsetOfTheirHeaders) {
  PgConnection conn = Connect(server_.Uri());
  ASSERT_TRUE(MigratePostgresSchema(conn, 1).ok());
  InsertInstance(conn, R"({"00080201": {"vr": "SH", "Value": ["+0100"]}})", "x");
  ASSERT_TRUE(
      conn.ExecScript("INSERT INTO studies (study_pk, patient_pk, study_instance_uid, "
                      "updated_at) VALUES (2, 1, '2.2', 't');"
                      "INSERT INTO series (series_pk, study_pk, series_instance_uid, updated_at) "
                      "VALUES (3, 2, '2.2.3', 't');"
                      "INSERT INTO instances (instance_pk, series_pk, sop_instance_uid, "
                      "sop_class_uid, transfer_syntax_uid, path, size_bytes, sha256, "
                      "received_at, source) VALUES "
                      "(2, 1, '1.2.3.5', '1.2', '1.2', 'b', 1, 'ab', 't', 'store'),"
                      "(3, 3, '2.2.3.4', '1.2', '1.2', 'c', 1, 'ab', 't', 'store');"
                      // Study 1's newer instance: the attribute zero-length.
                      "INSERT INTO headers VALUES (2, '{\"00080201\": {\"vr\": \"SH\"}}'),"
                      // Study 2: the key inside a sequence item only.
                      "(3, '{\"00081032\": {\"vr\": \"SQ\", \"Value\": [{\"00080201\":"
                      " {\"vr\": \"SH\", \"Value\": [\"-0500\"]}}]}}')")
          .ok());
  Status migrated = MigratePostgresSchema(conn);
  ASSERT_TRUE(migrated.ok()) << migrated.ToString();
  auto rows =
      conn.Exec("SELECT study_pk, coalesce(timezone_offset_from_utc, '-') FROM studies ORDER BY 1");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->rows(), 2);
  EXPECT_EQ(rows->Text(0, 1), "+0100");
  EXPECT_EQ(rows->Text(1, 1), "-");
}

// Version 4 (SQLite version 9) copies each study's patient identity from
// its patient row, and an index serves Patient ID on the study.
TEST_F(PgSchemaE2eTest, StudiesOfAVersion3DatabaseGetTheIdentityOfTheirPatient) {
  PgConnection conn = Connect(server_.Uri());
  ASSERT_TRUE(MigratePostgresSchema(conn, 3).ok());
  InsertInstance(conn, "{}", "x");
  ASSERT_TRUE(conn.ExecScript("INSERT INTO patients (patient_pk, patient_id, "
                              "issuer_of_patient_id, updated_at) VALUES (2, '', 'LAB', 't');"
                              "INSERT INTO studies (study_pk, patient_pk, study_instance_uid, "
                              "updated_at) VALUES (2, 2, '2.2', 't');")
                  .ok());
  Status migrated = MigratePostgresSchema(conn);
  ASSERT_TRUE(migrated.ok()) << migrated.ToString();
  auto rows = conn.Exec(
      "SELECT study_pk, patient_id, issuer_of_patient_id FROM studies ORDER BY 1");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->rows(), 2);
  EXPECT_EQ(rows->Text(0, 1), "P'1");
  EXPECT_EQ(rows->Text(0, 2), "");
  EXPECT_EQ(rows->Text(1, 1), "");
  EXPECT_EQ(rows->Text(1, 2), "LAB");
  EXPECT_EQ(Count(conn, "SELECT count(*) FROM pg_indexes WHERE indexname = 'studies_patient_id'"),
            1);
}

TEST_F(PgSchemaE2eTest, HeaderAndPatientNameIndexesServeTheirQueries) {
  PgConnection conn = Connect(server_.Uri());
  ASSERT_TRUE(MigratePostgresSchema(conn).ok());
  InsertInstance(conn, R"({"00181030": {"vr": "LO", "Value": ["KNEE"]}})", "x");
  // With sequential scans priced out, the plan shows which index can serve
  // the query (a table of one row would be scanned otherwise).
  auto plan = [&](const std::string& sql, std::vector<PgParam> params) {
    std::string text;
    Status s = conn.Transaction([&](PgConnection& c) -> Status {
      PIXELDEX_RETURN_IF_ERROR(c.Exec("SET LOCAL enable_seqscan = off").status());
      auto rows = c.Exec("EXPLAIN " + sql, params);
      if (!rows.ok()) return rows.status();
      for (int r = 0; r < rows->rows(); ++r) text += std::string(rows->Text(r, 0)) + "\n";
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return text;
  };
  EXPECT_NE(plan("SELECT instance_pk FROM headers WHERE json @> $1::jsonb",
                 {PgParam::Text(R"({"00181030": {"Value": ["KNEE"]}})")})
                .find("headers_json"),
            std::string::npos);
  // The Patient's Name match as PostgresDialect writes it.
  EXPECT_NE(plan("SELECT patient_pk FROM patients WHERE lower((patient_name) COLLATE \"C\") "
                 "LIKE lower(($1::text) COLLATE \"C\") ESCAPE '\\'",
                 {PgParam::Text("o'bri%")})
                .find("patients_name"),
            std::string::npos);
}

TEST_F(PgSchemaE2eTest, ReadOnlyRoleReadsEverythingAndWritesNothing) {
  PgConnection admin = Connect(server_.Uri());
  ASSERT_TRUE(MigratePostgresSchema(admin).ok());
  InsertInstance(admin, R"({})", "x");
  Status created = CreateReadOnlyRole(admin);
  ASSERT_TRUE(created.ok()) << created.ToString();
  EXPECT_TRUE(CreateReadOnlyRole(admin).ok());  // again: nothing changes
  ASSERT_TRUE(admin
                  .ExecScript("CREATE ROLE analyst LOGIN PASSWORD 'analyst-pw' IN ROLE " +
                              std::string(kReadOnlyRole))
                  .ok());

  PgConnection analyst = Connect(server_.UriFor("analyst", "analyst-pw"));
  EXPECT_EQ(Count(analyst, "SELECT count(*) FROM instance_details"), 1);
  EXPECT_EQ(Count(analyst, "SELECT count(*) FROM study_summary"), 1);
  auto write = analyst.Exec("DELETE FROM patients");
  EXPECT_EQ(write.status().code(), Status::Code::kInvalidArgument) << write.status().ToString();
  EXPECT_NE(write.status().message().find("permission denied"), std::string::npos)
      << write.status().ToString();
  auto ddl = analyst.Exec("DROP TABLE events");
  EXPECT_FALSE(ddl.ok());
  EXPECT_EQ(Count(admin, "SELECT count(*) FROM patients"), 1);
}

}  // namespace
}  // namespace pixeldex::index::postgres
