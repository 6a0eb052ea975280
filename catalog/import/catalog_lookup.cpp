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
  auto by_path = index::RowsByPath::Prepare(lookup.db_);
  if (!by_path.ok()) return by_path.status();
  lookup.by_path_.emplace(std::move(by_path).value());
  PIXELDEX_RETURN_IF_ERROR(index::ForEachEvent(
      lookup.db_, EventKind::kFileCorrupt,
      [&](const std::string& sop_instance_uid, const std::string& detail) {
        lookup.corrupt_instances_.insert(sop_instance_uid);
        lookup.corrupt_reports_.insert(sop_instance_uid + '\n' + detail);
      }));
  return lookup;
}

Result<std::optional<RecordedFile>> CatalogLookup::RecordedAt(const std::string& recorded_path) {
  auto rows = by_path_->At(recorded_path);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<RecordedFile>();
  return std::optional<RecordedFile>(std::move(rows->front()));
}

Status CatalogLookup::ForEachContentHash(const std::function<void(std::string_view)>& fn) {
  return index::ForEachContentHash(db_, fn);
}

}  // namespace pixeldex::import
