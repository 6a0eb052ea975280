#pragma once
// The read-only questions of archive_reads.h that `pixeldex import` asks
// (catalog/import/catalog_lookup.h), on a PostgreSQL index: the rows that
// record a path (served by the index instances_path), every cataloged
// SHA-256, and the events of one kind. Each runs on a connection the caller
// owns, outside any transaction (so each sees what was committed before it),
// with its values bound as parameters. One thread at a time, as the
// connection.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/common/event_kind.h"
#include "catalog/common/result.h"
#include "catalog/index/archive_reads.h"
#include "catalog/index/postgres/pg_connection.h"

namespace pixeldex::index::postgres {

// RowsByPath::At on PostgreSQL.
Result<std::vector<RecordedFile>> PgRowsAtPath(PgConnection& conn,
                                               const std::string& recorded_path);

// ForEachContentHash on PostgreSQL.
Status PgForEachContentHash(PgConnection& conn, const std::function<void(std::string_view)>& fn);

// ForEachEvent on PostgreSQL.
Status PgForEachEvent(
    PgConnection& conn, EventKind kind,
    const std::function<void(const std::string& sop_instance_uid, const std::string& detail)>& fn);

}  // namespace pixeldex::index::postgres
