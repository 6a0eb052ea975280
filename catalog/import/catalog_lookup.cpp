#include "catalog/import/catalog_lookup.h"

#include <string>

#include "catalog/common/event_kind.h"
#include "catalog/index/schema.h"

namespace pixeldex::import {

Result<CatalogLookup> CatalogLookup::Open(const std::string& index_path) {
  auto db = index::Db::Open(index_path, index::Db::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  PIXELDEX_RETURN_IF_ERROR(index::PrepareForReading(*db));
  CatalogLookup lookup(std::move(db).value());
  // Served by the index instances_path; a path is recorded at most once per
  // instance, but the same path may appear for two UIDs after an edit.
  auto stmt = lookup.db_.Prepare(
      "SELECT sop_instance_uid, sha256, size_bytes, file_mtime FROM instances WHERE path = ?1 "
      "LIMIT 1");
  if (!stmt.ok()) return stmt.status();
  lookup.by_path_.emplace(std::move(stmt).value());
  auto events =
      lookup.db_.Prepare(std::string("SELECT sop_instance_uid, detail FROM events WHERE kind = '") +
                         EventKindName(EventKind::kFileCorrupt) + "'");
  if (!events.ok()) return events.status();
  while (events->Step()) {
    lookup.corrupt_instances_.insert(events->Text(0));
    lookup.corrupt_reports_.insert(events->Text(0) + '\n' + events->Text(1));
  }
  PIXELDEX_RETURN_IF_ERROR(events->status());
  return lookup;
}

Result<std::optional<RecordedFile>> CatalogLookup::RecordedAt(const std::string& recorded_path) {
  index::Statement& stmt = *by_path_;
  stmt.Reset();
  stmt.Bind(1, recorded_path);
  std::optional<RecordedFile> found;
  if (stmt.Step()) found = RecordedFile{stmt.Text(0), stmt.Text(1), stmt.Int(2), stmt.Text(3)};
  Status status = stmt.status();
  stmt.Reset();
  if (!status.ok()) return status;
  return found;
}

Status CatalogLookup::ForEachContentHash(const std::function<void(std::string_view)>& fn) {
  auto stmt = db_.Prepare("SELECT sha256 FROM instances");
  if (!stmt.ok()) return stmt.status();
  while (stmt->Step()) fn(stmt->Text(0));
  return stmt->status();
}

}  // namespace pixeldex::import
