#include "catalog/index/archive_reads.h"

#include <optional>

#include "catalog/index/schema.h"

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

namespace {

class SqliteArchiveReads final : public ArchiveReads {
 public:
  explicit SqliteArchiveReads(Db db) : db_(std::move(db)) {}

  Status PrepareByPath() {
    auto by_path = RowsByPath::Prepare(db_);
    if (!by_path.ok()) return by_path.status();
    by_path_.emplace(std::move(by_path).value());
    return Status::Ok();
  }

  Result<std::vector<RecordedFile>> At(const std::string& recorded_path) override {
    return by_path_->At(recorded_path);
  }
  Status ForEachRecordedPath(
      const std::function<Status(const std::string&, const std::string&)>& fn) override {
    return index::ForEachRecordedPath(db_, fn);
  }
  Status ForEachContentHash(const std::function<void(std::string_view)>& fn) override {
    return index::ForEachContentHash(db_, fn);
  }
  Status ForEachEvent(
      EventKind kind,
      const std::function<void(const std::string&, const std::string&)>& fn) override {
    return index::ForEachEvent(db_, kind, fn);
  }
  Status ForEachRow(const std::string& sql, const std::vector<ReadParam>& params,
                    const std::function<Result<bool>(const RowCursor&)>& fn) override {
    auto stmt = db_.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    for (size_t i = 0; i < params.size(); ++i) {
      const int number = static_cast<int>(i) + 1;
      std::visit([&](const auto& value) { stmt->Bind(number, value); }, params[i]);
    }
    SqliteRowCursor cursor(std::move(stmt).value());
    while (true) {
      auto stepped = cursor.Step();
      if (!stepped.ok()) return stepped.status();
      if (!*stepped) return Status::Ok();
      auto more = fn(cursor);
      if (!more.ok()) return more.status();
      if (!*more) return Status::Ok();
    }
  }

 private:
  Db db_;  // declared first: outlives the statement
  std::optional<RowsByPath> by_path_;
};

}  // namespace

Result<std::unique_ptr<ArchiveReads>> OpenSqliteArchiveReads(const std::string& index_path) {
  auto db = Db::Open(index_path, Db::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  PIXELDEX_RETURN_IF_ERROR(PrepareForReading(*db));
  auto reads = std::make_unique<SqliteArchiveReads>(std::move(db).value());
  PIXELDEX_RETURN_IF_ERROR(reads->PrepareByPath());
  return std::unique_ptr<ArchiveReads>(std::move(reads));
}

}  // namespace pixeldex::index
