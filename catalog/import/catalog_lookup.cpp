#include "catalog/import/catalog_lookup.h"

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
      "SELECT 1 FROM instances WHERE path = ?1 AND size_bytes = ?2 AND file_mtime = ?3 LIMIT 1");
  if (!stmt.ok()) return stmt.status();
  lookup.by_path_.emplace(std::move(stmt).value());
  return lookup;
}

Result<bool> CatalogLookup::IsCatalogedUnchanged(const std::string& absolute_path,
                                                 int64_t size_bytes,
                                                 const std::string& file_mtime) {
  index::Statement& stmt = *by_path_;
  stmt.Reset();
  stmt.Bind(1, absolute_path).Bind(2, size_bytes).Bind(3, file_mtime);
  const bool found = stmt.Step();
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
