#pragma once
// The index schema and its migrations. The schema version lives in SQLite's
// `PRAGMA user_version`; each migration moves the file from version N-1 to N
// inside one transaction, so an index file written by any older pixeldex is
// upgraded in place and never broken.

#include "catalog/common/status.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {

// The version this build writes.
int CurrentSchemaVersion();

// Applies the connection settings every writer needs (WAL, synchronous=FULL,
// foreign keys) and migrates the schema to CurrentSchemaVersion(). Refuses a
// file whose version is newer than this build knows.
Status PrepareForWriting(Db& db);
// The same, migrating only up to `version` (at most CurrentSchemaVersion()):
// an index as an older pixeldex left it, for the migration tests.
Status PrepareForWriting(Db& db, int version);

// The size the writer cuts the write-ahead log back to after a checkpoint
// (PRAGMA journal_size_limit): four times what SQLite's automatic checkpoint
// (1000 pages) lets it reach between checkpoints.
inline constexpr int64_t kWalSizeLimitBytes = int64_t{16} << 20;

// Settings for a read connection (foreign keys, query-only).
Status PrepareForReading(Db& db);

}  // namespace pixeldex::index
