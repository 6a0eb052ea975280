#include "catalog/index/postgres/pg_archive_reads.h"

#include <chrono>

#include "catalog/index/postgres/pg_connection.h"
#include "catalog/index/postgres/pg_row_cursor.h"

namespace pixeldex::index::postgres {
namespace {

class PgArchiveReads final : public ArchiveReads {
 public:
  explicit PgArchiveReads(PgConnection conn) : conn_(std::move(conn)) {}

  Result<std::vector<RecordedFile>> At(const std::string& recorded_path) override {
    auto rows = conn_.ExecPrepared(
        "SELECT sop_instance_uid, sha256, size_bytes, file_mtime FROM instances WHERE path = $1",
        {PgParam::Text(recorded_path)});
    if (!rows.ok()) return rows.status();
    std::vector<RecordedFile> files;
    for (int r = 0; r < rows->rows(); ++r) {
      auto size = rows->Int(r, 2);
      if (!size.ok()) return size.status();
      files.push_back({std::string(rows->Text(r, 0)), std::string(rows->Text(r, 1)), *size,
                       std::string(rows->Text(r, 3))});
    }
    return files;
  }

  Status ForEachRecordedPath(
      const std::function<Status(const std::string&, const std::string&)>& fn) override {
    return ForEachRow("SELECT sop_instance_uid, path FROM instances ORDER BY path", {},
                      [&](const RowCursor& row) {
                        return fn(std::string(row.TextView(0)), std::string(row.TextView(1)));
                      });
  }

  Status ForEachContentHash(const std::function<void(std::string_view)>& fn) override {
    return ForEachRow("SELECT sha256 FROM instances", {}, [&](const RowCursor& row) {
      fn(row.TextView(0));
      return Status::Ok();
    });
  }

  Status ForEachEvent(
      EventKind kind,
      const std::function<void(const std::string&, const std::string&)>& fn) override {
    const PgParam name = PgParam::Text(std::string(EventKindName(kind)));
    return ForEachRow("SELECT sop_instance_uid, detail FROM events WHERE kind = $1", {&name, 1},
                      [&](const RowCursor& row) {
                        fn(std::string(row.TextView(0)), std::string(row.TextView(1)));
                        return Status::Ok();
                      });
  }

 private:
  // Calls `fn` with each row of `sql`, in one read-only snapshot.
  Status ForEachRow(std::string_view sql, std::span<const PgParam> params,
                    const std::function<Status(const RowCursor&)>& fn) {
    auto cursor = PgRowCursor::Open(conn_, sql, params, std::chrono::milliseconds(0));
    if (!cursor.ok()) return cursor.status();
    while (true) {
      auto stepped = (*cursor)->Step();
      if (!stepped.ok()) return stepped.status();
      if (!*stepped) return Status::Ok();
      PIXELDEX_RETURN_IF_ERROR(fn(**cursor));
    }
  }

  PgConnection conn_;
};

}  // namespace

Result<std::unique_ptr<ArchiveReads>> OpenPgArchiveReads(const std::string& uri) {
  auto conn = PgConnection::Open(uri);
  if (!conn.ok()) return conn.status();
  return std::unique_ptr<ArchiveReads>(std::make_unique<PgArchiveReads>(std::move(conn).value()));
}

}  // namespace pixeldex::index::postgres
