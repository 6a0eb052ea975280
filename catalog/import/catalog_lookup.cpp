#include "catalog/import/catalog_lookup.h"

#include <string>

#include "catalog/common/event_kind.h"
#include "catalog/index/postgres/pg_archive_reads.h"
#include "catalog/index/postgres/pg_uri.h"
#include "catalog/index/schema.h"

namespace pixeldex::import {

Result<CatalogLookup> CatalogLookup::Open(const std::string& index_path) {
  CatalogLookup lookup;
  if (index::postgres::IsPostgresUri(index_path)) {
    auto conn = index::postgres::PgConnection::Open(index_path);
    if (!conn.ok()) return conn.status();
    lookup.pg_.emplace(std::move(conn).value());
  } else {
    auto db = index::Db::Open(index_path, index::Db::Mode::kReadOnly);
    if (!db.ok()) return db.status();
    PIXELDEX_RETURN_IF_ERROR(index::PrepareForReading(*db));
    lookup.db_.emplace(std::move(db).value());
    auto by_path = index::RowsByPath::Prepare(*lookup.db_);
    if (!by_path.ok()) return by_path.status();
    lookup.by_path_.emplace(std::move(by_path).value());
  }
  PIXELDEX_RETURN_IF_ERROR(lookup.LoadCorruptionReports());
  return lookup;
}

Status CatalogLookup::LoadCorruptionReports() {
  auto add = [&](const std::string& sop_instance_uid, const std::string& detail) {
    corrupt_instances_.insert(sop_instance_uid);
    corrupt_reports_.insert(sop_instance_uid + '\n' + detail);
  };
  if (pg_) return index::postgres::PgForEachEvent(*pg_, EventKind::kFileCorrupt, add);
  return index::ForEachEvent(*db_, EventKind::kFileCorrupt, add);
}

Result<std::optional<RecordedFile>> CatalogLookup::RecordedAt(const std::string& recorded_path) {
  auto rows =
      pg_ ? index::postgres::PgRowsAtPath(*pg_, recorded_path) : by_path_->At(recorded_path);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<RecordedFile>();
  return std::optional<RecordedFile>(std::move(rows->front()));
}

Status CatalogLookup::ForEachContentHash(const std::function<void(std::string_view)>& fn) {
  if (pg_) return index::postgres::PgForEachContentHash(*pg_, fn);
  return index::ForEachContentHash(*db_, fn);
}

}  // namespace pixeldex::import
