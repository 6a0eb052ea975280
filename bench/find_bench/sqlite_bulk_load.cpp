#include "bench/find_bench/sqlite_bulk_load.h"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "catalog/common/clock.h"
#include "catalog/index/record_statements.h"
#include "catalog/index/schema.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::bench {
namespace {

using index::Db;

// The secondary indexes the study count triggers (study_counts.cpp) look
// rows up by during the load: without them every series or instance insert
// would scan its table.
bool TriggersReadIt(const std::string& index_name) {
  return index_name == "series_study" || index_name == "instances_series";
}

// Drops the archive tables' other secondary indexes, but not the UNIQUE
// ones (the writer's upserts name them in ON CONFLICT); returns their SQL.
Result<std::vector<std::string>> DropDeferredIndexes(Db& db) {
  auto list = db.Prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
      "AND sql NOT LIKE 'CREATE UNIQUE %' "
      "AND tbl_name IN ('patients', 'studies', 'series', 'instances', 'headers')");
  if (!list.ok()) return list.status();
  std::vector<std::pair<std::string, std::string>> found;
  while (list->Step()) found.emplace_back(list->Text(0), list->Text(1));
  PIXELDEX_RETURN_IF_ERROR(list->status());
  std::vector<std::string> deferred;
  for (const auto& [name, sql] : found) {
    if (TriggersReadIt(name)) continue;
    PIXELDEX_RETURN_IF_ERROR(db.Exec("DROP INDEX " + name));
    deferred.push_back(sql);
  }
  return deferred;
}

}  // namespace

Status BulkLoadSqlite(const SyntheticArchive& archive, const std::string& path,
                      const BulkLoadOptions& options, std::FILE* progress) {
  using Clock = std::chrono::steady_clock;
  auto db = Db::Open(path, Db::Mode::kReadWrite);
  if (!db.ok()) return db.status();
  PIXELDEX_RETURN_IF_ERROR(index::PrepareForWriting(*db));
  // Generator only: no rollback journal, no fsync, one lock for the whole
  // load (SQLite documentation, PRAGMA journal_mode, synchronous,
  // locking_mode, cache_size).
  PIXELDEX_RETURN_IF_ERROR(db->Exec(
      "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; "
      "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-" +
      std::to_string(options.cache_mib * 1024) + ";"));
  auto deferred = DropDeferredIndexes(*db);
  if (!deferred.ok()) return deferred.status();
  auto statements = index::RecordStatements::Prepare(*db);
  if (!statements.ok()) return statements.status();

  const std::string now = NowIso8601();
  const auto start = Clock::now();
  const auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  const int64_t n = archive.instances();
  for (int64_t first = 0; first < n; first += options.transaction_rows) {
    PIXELDEX_RETURN_IF_ERROR(db->Exec("BEGIN"));
    const int64_t end = std::min(n, first + options.transaction_rows);
    for (int64_t i = first; i < end; ++i) {
      const InstanceRecord record = archive.Record(i);
      auto series_pk = statements->UpsertParents(record, now);
      auto pk = series_pk.ok() ? statements->InsertInstance(record, *series_pk)
                               : Result<int64_t>(series_pk.status());
      if (!pk.ok()) {
        return Status::Internal("instance " + std::to_string(i) + ": " + pk.status().message());
      }
      if ((i + 1) % 100000 == 0) {
        std::fprintf(progress, "  %lld instances, %.1f s, %.0f/s\n", static_cast<long long>(i + 1),
                     seconds(), (i + 1) / seconds());
        std::fflush(progress);
      }
    }
    PIXELDEX_RETURN_IF_ERROR(db->Exec("COMMIT"));
  }
  const double rows_seconds = seconds();
  for (const std::string& sql : *deferred) PIXELDEX_RETURN_IF_ERROR(db->Exec(sql));
  std::fprintf(progress, "  rows in %.1f s, %zu deferred indexes in %.1f s\n", rows_seconds,
               deferred->size(), seconds() - rows_seconds);
  return db->Exec("PRAGMA locking_mode=NORMAL; PRAGMA journal_mode=WAL;");
}

}  // namespace pixeldex::bench
