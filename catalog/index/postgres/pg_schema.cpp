#include "catalog/index/postgres/pg_schema.h"

#include <string>

#include "catalog/index/postgres/pg_schema_sql.h"

namespace pixeldex::index::postgres {
namespace {

// The key of the advisory lock the migration holds: "pixeldex" in ASCII.
constexpr int64_t kMigrationLock = 0x706978656c646578;

constexpr const char* kVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version integer PRIMARY KEY,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

Result<int> ReadVersionTable(PgConnection& conn) {
  auto rows = conn.Exec("SELECT coalesce(max(version), 0) FROM schema_version");
  if (!rows.ok()) return rows.status();
  auto version = rows->Int(0, 0);
  if (!version.ok()) return version.status();
  return static_cast<int>(*version);
}

}  // namespace

int PostgresSchemaVersion() { return static_cast<int>(PostgresMigrations().size()); }

Result<int> ReadPostgresSchemaVersion(PgConnection& conn) {
  auto exists = conn.Exec("SELECT to_regclass('schema_version') IS NOT NULL");
  if (!exists.ok()) return exists.status();
  if (exists->Text(0, 0) != "t") return 0;
  return ReadVersionTable(conn);
}

Status MigratePostgresSchema(PgConnection& conn) {
  return MigratePostgresSchema(conn, PostgresSchemaVersion());
}

Status MigratePostgresSchema(PgConnection& conn, int target_version) {
  if (target_version > PostgresSchemaVersion()) {
    return Status::InvalidArgument("no schema version " + std::to_string(target_version));
  }
  return conn.Transaction([target_version](PgConnection& c) -> Status {
    // Held until COMMIT or ROLLBACK: a second node waits here, then reads
    // the version the first one wrote.
    PIXELDEX_RETURN_IF_ERROR(
        c.Exec("SELECT pg_advisory_xact_lock($1)", {PgParam::Int(kMigrationLock)}).status());
    PIXELDEX_RETURN_IF_ERROR(c.ExecScript(kVersionTable));
    auto version = ReadVersionTable(c);
    if (!version.ok()) return version.status();
    if (*version > PostgresSchemaVersion()) {
      return Status::Unsupported("index schema version " + std::to_string(*version) +
                                 " is newer than this pixeldex understands (" +
                                 std::to_string(PostgresSchemaVersion()) + ")");
    }
    for (int v = *version; v < target_version; ++v) {
      Status s = c.ExecScript(PostgresMigrations()[v]);
      if (s.ok()) {
        s = c.Exec("INSERT INTO schema_version (version) VALUES ($1)", {PgParam::Int(v + 1)})
                .status();
      }
      if (!s.ok()) {
        return Status(s.code() == Status::Code::kIoError
                          ? s
                          : Status::Internal("schema migration to version " +
                                             std::to_string(v + 1) + " failed: " + s.message()));
      }
    }
    return Status::Ok();
  });
}

}  // namespace pixeldex::index::postgres
