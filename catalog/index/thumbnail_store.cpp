#include "catalog/index/thumbnail_store.h"

#include <utility>

namespace pixeldex::index {
namespace {

// Rolls back the open transaction unless committed; keeps the first error.
class WriteTransaction {
 public:
  explicit WriteTransaction(Db& db) : db_(db) {}
  ~WriteTransaction() {
    // Unwinding after an error: that error is the one reported.
    if (open_) (void)db_.Exec("ROLLBACK");
  }
  // IMMEDIATE takes the write lock up front, so a busy server makes us wait
  // (busy timeout) at BEGIN instead of failing half-way through the batch.
  Status Begin() {
    PIXELDEX_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
    open_ = true;
    return Status::Ok();
  }
  Status Commit() {
    PIXELDEX_RETURN_IF_ERROR(db_.Exec("COMMIT"));
    open_ = false;
    return Status::Ok();
  }

 private:
  Db& db_;
  bool open_ = false;
};

}  // namespace

Result<ThumbnailLookup> FindThumbnail(Db& db, std::string_view sop_instance_uid) {
  auto stmt = db.Prepare(
      "SELECT t.instance_pk IS NOT NULL, t.status, t.width, t.height, t.png "
      "FROM instances i LEFT JOIN thumbnails t ON t.instance_pk = i.instance_pk "
      "WHERE i.sop_instance_uid = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, sop_instance_uid);
  ThumbnailLookup lookup;
  if (stmt->Step()) {
    lookup.instance_found = true;
    if (stmt->Int(0) != 0) {
      ThumbnailRecord t;
      const std::string stored = stmt->Text(1);
      const auto state = ParseStoredThumbnailStatus(stored);
      if (!state) return Status::Corruption("unknown thumbnail status '" + stored + "'");
      t.status = state->status;
      t.reason = state->reason;
      t.width = static_cast<int>(stmt->Int(2));
      t.height = static_cast<int>(stmt->Int(3));
      t.png = stmt->Blob(4);
      lookup.thumbnail = std::move(t);
    }
  }
  if (!stmt->status().ok()) return stmt->status();
  return lookup;
}

Result<std::vector<ThumbnailTarget>> ListThumbnailTargets(Db& db, ThumbnailSelection selection,
                                                          int64_t after_instance_pk, int limit) {
  auto stmt = db.Prepare(
      "SELECT i.instance_pk, i.sop_instance_uid, i.path, i.sha256 FROM instances i "
      "LEFT JOIN thumbnails t ON t.instance_pk = i.instance_pk "
      "WHERE i.instance_pk > ?1 AND (?2 OR t.instance_pk IS NULL OR t.status = ?4) "
      "ORDER BY i.instance_pk LIMIT ?3");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, after_instance_pk)
      .Bind(2, int64_t{selection == ThumbnailSelection::kAll ? 1 : 0})
      .Bind(3, int64_t{limit})
      .Bind(4, ThumbnailStatusName(ThumbnailStatus::kDisabled));
  std::vector<ThumbnailTarget> targets;
  while (stmt->Step()) {
    targets.push_back({stmt->Int(0), stmt->Text(1), stmt->Text(2), stmt->Text(3)});
  }
  if (!stmt->status().ok()) return stmt->status();
  return targets;
}

Result<std::vector<bool>> ReplaceThumbnails(Db& db, const std::vector<ThumbnailUpdate>& updates) {
  auto stmt = db.Prepare(
      "INSERT INTO thumbnails (instance_pk, status, width, height, png) "
      "SELECT instance_pk, ?2, ?3, ?4, ?5 FROM instances WHERE instance_pk = ?1 AND sha256 = ?6 "
      "ON CONFLICT (instance_pk) DO UPDATE SET status = excluded.status, "
      "width = excluded.width, height = excluded.height, png = excluded.png");
  if (!stmt.ok()) return stmt.status();
  WriteTransaction transaction(db);
  PIXELDEX_RETURN_IF_ERROR(transaction.Begin());
  std::vector<bool> written;
  written.reserve(updates.size());
  for (const ThumbnailUpdate& u : updates) {
    stmt->Bind(1, u.target.instance_pk)
        .Bind(2, StoredThumbnailStatus(u.thumbnail.status, u.thumbnail.reason))
        .Bind(6, u.target.sha256);
    // As at ingest: size and PNG only for a rendered thumbnail, else NULL.
    if (u.thumbnail.status == ThumbnailStatus::kOk) {
      stmt->Bind(3, int64_t{u.thumbnail.width})
          .Bind(4, int64_t{u.thumbnail.height})
          .BindBlob(5, u.thumbnail.png);
    }
    PIXELDEX_RETURN_IF_ERROR(stmt->Run());
    written.push_back(db.Changes() > 0);
  }
  PIXELDEX_RETURN_IF_ERROR(transaction.Commit());
  return written;
}

}  // namespace pixeldex::index
