#pragma once
// PgArchiveReads: the questions import and reconcile ask the index about
// stored files and reported events (archive_reads.h) on the PostgreSQL
// index, through one connection of its own. The lookups by path are a
// prepared statement (served by the index instances_path); the whole-table
// reads, and the reads of retention_reads.h (ForEachRow, spelled for
// PostgreSQL), go through a cursor (pg_row_cursor.h: one snapshot, a batch
// at a time), so a large archive is never held whole. One thread at a time.

#include <memory>
#include <string>

#include "catalog/common/result.h"
#include "catalog/index/archive_reads.h"

namespace pixeldex::index::postgres {

// kIoError "database unavailable" when the server cannot be reached.
Result<std::unique_ptr<ArchiveReads>> OpenPgArchiveReads(const std::string& uri);

}  // namespace pixeldex::index::postgres
