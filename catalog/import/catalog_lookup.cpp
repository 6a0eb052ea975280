#include "catalog/import/catalog_lookup.h"

#include <string>

#include "catalog/common/event_kind.h"
#include "catalog/index/postgres/archive_reads_of.h"

namespace pixeldex::import {

Result<CatalogLookup> CatalogLookup::Open(const std::string& index_location) {
  auto reads = index::OpenArchiveReads(index_location);
  if (!reads.ok()) return reads.status();
  auto corruption = std::make_shared<CorruptionReports>();
  PIXELDEX_RETURN_IF_ERROR((*reads)->ForEachEvent(
      EventKind::kFileCorrupt,
      [&](const std::string& sop_instance_uid, const std::string& detail) {
        corruption->instances.insert(sop_instance_uid);
        corruption->reports.insert(sop_instance_uid + '\n' + detail);
      }));
  return CatalogLookup(index_location, std::move(reads).value(), std::move(corruption));
}

std::function<Result<CatalogLookup>()> CatalogLookup::Opener() const {
  return [location = index_location_, corruption = corruption_]() -> Result<CatalogLookup> {
    auto reads = index::OpenArchiveReads(location);
    if (!reads.ok()) return reads.status();
    return CatalogLookup(location, std::move(reads).value(), corruption);
  };
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
