#include "catalog/import/catalog_lookup.h"

#include <string>

#include "catalog/common/event_kind.h"
#include "catalog/index/postgres/archive_reads_of.h"

namespace pixeldex::import {

Result<CatalogLookup> CatalogLookup::Open(const std::string& index_location) {
  auto reads = index::OpenArchiveReads(index_location);
  if (!reads.ok()) return reads.status();
  CatalogLookup lookup(std::move(reads).value());
  PIXELDEX_RETURN_IF_ERROR(lookup.reads_->ForEachEvent(
      EventKind::kFileCorrupt,
      [&](const std::string& sop_instance_uid, const std::string& detail) {
        lookup.corrupt_instances_.insert(sop_instance_uid);
        lookup.corrupt_reports_.insert(sop_instance_uid + '\n' + detail);
      }));
  return lookup;
}

Result<std::optional<RecordedFile>> CatalogLookup::RecordedAt(const std::string& recorded_path) {
  auto rows = reads_->At(recorded_path);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<RecordedFile>();
  return std::optional<RecordedFile>(std::move(rows->front()));
}

Status CatalogLookup::ForEachContentHash(const std::function<void(std::string_view)>& fn) {
  return reads_->ForEachContentHash(fn);
}

}  // namespace pixeldex::import
