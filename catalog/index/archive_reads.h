#pragma once
// The read-only questions that import, reconcile and `pixeldex check` ask
// the index about stored files and reported events, as named functions, so
// that no SQL is written outside catalog/index. Each takes a connection the
// caller opened (read-only, index::PrepareForReading) and owns; none is
// thread-safe beyond that connection's rules (sqlite_db.h).
// ArchiveReads asks the same questions of either backend (the SQLite file or
// PostgreSQL, postgres/pg_archive_reads.h), through one connection of its
// own, and runs the reads of retention_reads.h; one thread at a time. OpenArchiveReads (postgres/archive_reads_of.h)
// opens the one storage.index names.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "catalog/common/event_kind.h"
#include "catalog/common/result.h"
#include "catalog/index/row_cursor.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {

// What an instance row records about its file.
struct RecordedFile {
  std::string sop_instance_uid;
  std::string sha256;      // lowercase hex
  int64_t size_bytes = 0;
  std::string file_mtime;  // ISO 8601 UTC with milliseconds (catalog/common/clock.h)
};

// The rows recording one path, prepared once for many lookups (served by the
// index instances_path). A path is recorded at most once per instance, but
// the same path may appear for two UIDs after an edit.
class RowsByPath {
 public:
  static Result<RowsByPath> Prepare(Db& db);
  Result<std::vector<RecordedFile>> At(const std::string& recorded_path);

 private:
  explicit RowsByPath(Statement stmt) : stmt_(std::move(stmt)) {}
  Statement stmt_;
};

// Calls `fn` with the SOP Instance UID and recorded path of every instance,
// in path order; stops at, and returns, the first error `fn` returns.
Status ForEachRecordedPath(
    Db& db,
    const std::function<Status(const std::string& sop_instance_uid, const std::string& path)>& fn);

// Calls `fn` with the lowercase hex SHA-256 of every cataloged instance.
Status ForEachContentHash(Db& db, const std::function<void(std::string_view)>& fn);

// Calls `fn` with the SOP Instance UID and detail of every event of `kind`.
Status ForEachEvent(
    Db& db, EventKind kind,
    const std::function<void(const std::string& sop_instance_uid, const std::string& detail)>& fn);

// A value bound to a read of ArchiveReads::ForEachRow.
using ReadParam = std::variant<std::string, int64_t>;

// The questions above over one connection of either backend.
class ArchiveReads {
 public:
  virtual ~ArchiveReads() = default;
  // The rows recording `recorded_path` (served by the index instances_path).
  virtual Result<std::vector<RecordedFile>> At(const std::string& recorded_path) = 0;
  virtual Status ForEachRecordedPath(
      const std::function<Status(const std::string& sop_instance_uid, const std::string& path)>&
          fn) = 0;
  virtual Status ForEachContentHash(const std::function<void(std::string_view)>& fn) = 0;
  virtual Status ForEachEvent(
      EventKind kind,
      const std::function<void(const std::string& sop_instance_uid, const std::string& detail)>&
          fn) = 0;
  // Calls `fn` with each row of `sql`, one read statement written with
  // SQLite's numbered parameters (spelled for the backend, sql_flavor.h),
  // `params` bound to them in order, in one snapshot, until `fn` answers
  // false. For the reads written once in catalog/index
  // (retention_reads.h).
  virtual Status ForEachRow(const std::string& sql, const std::vector<ReadParam>& params,
                            const std::function<Result<bool>(const RowCursor&)>& fn) = 0;
};

// ArchiveReads over a read-only connection to the SQLite index at
// `index_path` (which must exist).
Result<std::unique_ptr<ArchiveReads>> OpenSqliteArchiveReads(const std::string& index_path);

}  // namespace pixeldex::index
