#include "catalog/index/postgres/pg_archive_reads.h"

namespace pixeldex::index::postgres {

Result<std::vector<RecordedFile>> PgRowsAtPath(PgConnection& conn,
                                               const std::string& recorded_path) {
  static const std::string kSql =
      "SELECT sop_instance_uid, sha256, size_bytes, file_mtime FROM instances WHERE path = $1";
  auto rows = conn.ExecPrepared(kSql, {PgParam::Text(recorded_path)});
  if (!rows.ok()) return rows.status();
  std::vector<RecordedFile> out;
  for (int r = 0; r < rows->rows(); ++r) {
    auto size = rows->Int(r, 2);
    if (!size.ok()) return size.status();
    out.push_back({std::string(rows->Text(r, 0)), std::string(rows->Text(r, 1)), *size,
                   std::string(rows->Text(r, 3))});
  }
  return out;
}

Status PgForEachContentHash(PgConnection& conn, const std::function<void(std::string_view)>& fn) {
  auto rows = conn.Exec("SELECT sha256 FROM instances");
  if (!rows.ok()) return rows.status();
  for (int r = 0; r < rows->rows(); ++r) fn(rows->Text(r, 0));
  return Status::Ok();
}

Status PgForEachEvent(
    PgConnection& conn, EventKind kind,
    const std::function<void(const std::string& sop_instance_uid, const std::string& detail)>& fn) {
  auto rows = conn.Exec("SELECT sop_instance_uid, detail FROM events WHERE kind = $1",
                        {PgParam::Text(EventKindName(kind))});
  if (!rows.ok()) return rows.status();
  for (int r = 0; r < rows->rows(); ++r) {
    fn(std::string(rows->Text(r, 0)), std::string(rows->Text(r, 1)));
  }
  return Status::Ok();
}

}  // namespace pixeldex::index::postgres
