#pragma once
// `pixeldex index copy`: the whole index from one database to another, a
// SQLite index file and a PostgreSQL database in either direction (or two of
// one kind). The destination's schema is created or migrated first; then
// every table of CopiedTables(), parents before children, is read from one
// snapshot of the source and written in batches inside one transaction of the
// destination, with bound parameters, keys kept as they are. Either all of
// it is copied or, on any failure, nothing. A destination that holds rows is
// refused unless `replace` says to empty it first (in the same transaction).
//
// The study counts (C-FIND's computed keys, study_counts.h) are copied as
// the source holds them: PostgreSQL's count triggers are set aside while the
// rows go in (so the destination's tables must be owned by the copying
// role), SQLite's recount from the copied rows, the same for a consistent
// source.
//
// Not copied: the tag dictionary and the schema version, which the
// destination's migration writes itself, and the files of the storage tree,
// which the copy's rows keep pointing to.
//
// Index addresses are a file path or a postgresql:// URI (pg_uri.h); only
// the redacted URI ever reaches a message.

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/index/copy/copy_endpoint.h"

namespace pixeldex::index::copy {

struct CopyOptions {
  bool replace = false;   // empty a destination that holds rows, instead of refusing it
  int batch_rows = 1000;  // rows read and written at a time
  // Called after each table with its name and row count (the CLI prints it).
  std::function<void(const std::string& table, int64_t rows)> on_table;
};

struct CopyReport {
  std::vector<std::pair<std::string, int64_t>> tables;  // name, rows copied; in copy order
  int64_t rows = 0;
  std::chrono::steady_clock::duration elapsed{};
};

// The tables a copy moves, parents first.
std::span<const CopyTable> CopiedTables();

Result<CopyReport> CopyIndex(const std::string& from, const std::string& to,
                             const CopyOptions& options = {});

}  // namespace pixeldex::index::copy
