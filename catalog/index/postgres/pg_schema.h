#pragma once
// The PostgreSQL index schema's version and its migration (the SQL is in
// pg_schema_sql.h). The version lives in the table `schema_version`, one row
// per migration applied (version, applied_at). MigratePostgresSchema moves a
// database from any older version to PostgresSchemaVersion() inside one
// transaction, so a failure leaves it as it was; on a current database it
// changes nothing. Several pixeldex nodes may start on one database at the
// same moment: a transaction-level advisory lock (PostgreSQL documentation
// 13.3.5 "Advisory Locks", pg_advisory_xact_lock) lets one migrate while the
// others wait, then find the work done.

#include "catalog/common/result.h"
#include "catalog/index/postgres/pg_connection.h"

namespace pixeldex::index::postgres {

// The version this build writes.
int PostgresSchemaVersion();

// The version of the database `conn` is connected to; 0 when it has none.
Result<int> ReadPostgresSchemaVersion(PgConnection& conn);

// Migrates to PostgresSchemaVersion(). kUnsupported for a database whose
// version is newer than this build knows; kIoError when the server is away.
Status MigratePostgresSchema(PgConnection& conn);
// The same, migrating only up to `version` (at most PostgresSchemaVersion()):
// a database as an older pixeldex left it, for the migration tests.
Status MigratePostgresSchema(PgConnection& conn, int version);

}  // namespace pixeldex::index::postgres
