#include "catalog/index/postgres/pg_archive_reads.h"

#include <chrono>

#include "catalog/index/postgres/pg_connection.h"
#include "catalog/index/postgres/pg_row_cursor.h"
#include "catalog/index/sql_flavor.h"

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
    return Scan("SELECT sop_instance_uid, path FROM instances ORDER BY path", {},
                [&](const RowCursor& row) -> Result<bool> {
                  PIXELDEX_RETURN_IF_ERROR(
                      fn(std::string(row.TextView(0)), std::string(row.TextView(1))));
                  return true;
                });
  }

  Status ForEachContentHash(const std::function<void(std::string_view)>& fn) override {
    return Scan("SELECT sha256 FROM instances", {}, [&](const RowCursor& row) -> Result<bool> {
      fn(row.TextView(0));
      return true;
    });
  }

  Status ForEachEvent(
      EventKind kind,
      const std::function<void(const std::string&, const std::string&)>& fn) override {
    const PgParam name = PgParam::Text(std::string(EventKindName(kind)));
    return Scan("SELECT sop_instance_uid, detail FROM events WHERE kind = $1", {&name, 1},
                [&](const RowCursor& row) -> Result<bool> {
                  fn(std::string(row.TextView(0)), std::string(row.TextView(1)));
                  return true;
                });
  }

  Status ForEachRow(const std::string& sql, const std::vector<ReadParam>& params,
                    const std::function<Result<bool>(const RowCursor&)>& fn) override {
    std::vector<PgParam> bound;
    for (const ReadParam& param : params) {
      bound.push_back(std::holds_alternative<int64_t>(param)
                          ? PgParam::Int(std::get<int64_t>(param))
                          : PgParam::Text(std::get<std::string>(param)));
    }
    return Scan(SpelledFor(SqlFlavor::kPostgres, sql), bound, fn);
  }

 private:
  // Calls `fn` with each row of `sql`, in one read-only snapshot, until it
  // answers false.
  Status Scan(std::string_view sql, std::span<const PgParam> params,
              const std::function<Result<bool>(const RowCursor&)>& fn) {
    auto cursor = PgRowCursor::Open(conn_, sql, params, std::chrono::milliseconds(0));
    if (!cursor.ok()) return cursor.status();
    while (true) {
      auto stepped = (*cursor)->Step();
      if (!stepped.ok()) return stepped.status();
      if (!*stepped) return Status::Ok();
      auto more = fn(**cursor);
      if (!more.ok()) return more.status();
      if (!*more) return Status::Ok();
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
