#include "catalog/index/archive_reads.h"

namespace pixeldex::index {

Result<RowsByPath> RowsByPath::Prepare(Db& db) {
  auto stmt = db.Prepare(
      "SELECT sop_instance_uid, sha256, size_bytes, file_mtime FROM instances WHERE path = ?1");
  if (!stmt.ok()) return stmt.status();
  return RowsByPath(std::move(stmt).value());
}

Result<std::vector<RecordedFile>> RowsByPath::At(const std::string& recorded_path) {
  stmt_.Reset();
  stmt_.Bind(1, recorded_path);
  std::vector<RecordedFile> rows;
  while (stmt_.Step()) {
    rows.push_back({stmt_.Text(0), stmt_.Text(1), stmt_.Int(2), stmt_.Text(3)});
  }
  Status status = stmt_.status();
  stmt_.Reset();
  if (!status.ok()) return status;
  return rows;
}

Status ForEachRecordedPath(
    Db& db,
    const std::function<Status(const std::string& sop_instance_uid, const std::string& path)>& fn) {
  auto stmt = db.Prepare("SELECT sop_instance_uid, path FROM instances ORDER BY path");
  if (!stmt.ok()) return stmt.status();
  while (stmt->Step()) PIXELDEX_RETURN_IF_ERROR(fn(stmt->Text(0), stmt->Text(1)));
  return stmt->status();
}

Status ForEachContentHash(Db& db, const std::function<void(std::string_view)>& fn) {
  auto stmt = db.Prepare("SELECT sha256 FROM instances");
  if (!stmt.ok()) return stmt.status();
  while (stmt->Step()) fn(stmt->Text(0));
  return stmt->status();
}

Status ForEachEvent(
    Db& db, EventKind kind,
    const std::function<void(const std::string& sop_instance_uid, const std::string& detail)>& fn) {
  auto stmt = db.Prepare("SELECT sop_instance_uid, detail FROM events WHERE kind = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, EventKindName(kind));
  while (stmt->Step()) fn(stmt->Text(0), stmt->Text(1));
  return stmt->status();
}

}  // namespace pixeldex::index
