#pragma once
// CatalogLookup: the questions an import asks the index before doing any
// work on a file, through its own read-only connection (a WAL reader: it
// never blocks the writer, and sees what was committed before each query;
// on a PostgreSQL index, its own connection, each question a statement of
// its own: pg_archive_reads.h).
//   - what does the index record for this path? (instance, SHA-256, size, mtime)
//   - was a corruption of this instance's file reported? (file_corrupt events,
//     read once at Open)
//   - which contents are cataloged? (every instance's SHA-256, read once)
// One lookup per thread: a connection is not shared.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "catalog/common/result.h"
#include "catalog/index/archive_reads.h"
#include "catalog/index/postgres/pg_connection.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::import {

using index::RecordedFile;

class CatalogLookup {
 public:
  // Opens `index_path` read-only; the file must exist (IndexWriter creates it).
  // A postgresql:// URI connects to that database instead.
  static Result<CatalogLookup> Open(const std::string& index_path);

  // The row that records `recorded_path` (as the pipeline records it), if any.
  Result<std::optional<RecordedFile>> RecordedAt(const std::string& recorded_path);

  // True when a `file_corrupt` event reports a file of this instance: such a
  // file is verified again at every reconcile until a person resolves it.
  bool CorruptionReported(const std::string& sop_instance_uid) const {
    return corrupt_instances_.contains(sop_instance_uid);
  }
  // True when exactly this report (instance and detail) was recorded before.
  bool CorruptionReported(const std::string& sop_instance_uid, const std::string& detail) const {
    return corrupt_reports_.contains(sop_instance_uid + '\n' + detail);
  }

  // Calls `fn` with the lowercase hex SHA-256 of every cataloged instance.
  Status ForEachContentHash(const std::function<void(std::string_view)>& fn);

 private:
  CatalogLookup() = default;
  // Reads the file_corrupt events into the sets below.
  Status LoadCorruptionReports();

  // Exactly one of db_ (SQLite) and pg_ (PostgreSQL) is set.
  std::optional<index::Db> db_;  // declared first: outlives the statement
  std::optional<index::RowsByPath> by_path_;
  std::optional<index::postgres::PgConnection> pg_;
  std::unordered_set<std::string> corrupt_instances_;
  std::unordered_set<std::string> corrupt_reports_;  // sop_instance_uid '\n' detail
};

}  // namespace pixeldex::import
