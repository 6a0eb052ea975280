#include "catalog/reconcile/archive_size.h"

#include "catalog/index/sqlite_db.h"

namespace pixeldex::reconcile {
namespace {

// The identity of the row with the largest instance_pk (NULL when none),
// with the other columns in one statement, so from one snapshot.
constexpr const char* kLastRow =
    "(SELECT sop_instance_uid || '|' || received_at FROM instances "
    "WHERE instance_pk = (SELECT max(instance_pk) FROM instances))";

}  // namespace

Result<int64_t> ArchiveSizeTracker::Exact() {
  auto db = index::Db::Open(index_path_, index::Db::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  auto stmt = db->Prepare(std::string("SELECT CAST(total(size_bytes) AS INTEGER), "
                                      "coalesce(max(instance_pk), 0), ") +
                          kLastRow + " FROM instances");
  if (!stmt.ok()) return stmt.status();
  if (!stmt->Step()) return db->LastError("summing the archive's bytes");
  base_ = Base{stmt->Int(0), stmt->Int(1), stmt->Text(2)};
  return base_->bytes;
}

Result<int64_t> ArchiveSizeTracker::Estimate() {
  if (!base_) return Exact();
  auto db = index::Db::Open(index_path_, index::Db::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  // The rows added since: a range of the primary key (SEARCH, not SCAN).
  auto stmt = db->Prepare(
      std::string("SELECT (SELECT sop_instance_uid || '|' || received_at FROM instances "
                  "WHERE instance_pk = ?1), CAST(total(size_bytes) AS INTEGER), "
                  "coalesce(max(instance_pk), ?1), ") +
      kLastRow + " FROM instances WHERE instance_pk > ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, base_->last_pk);
  if (!stmt->Step()) return db->LastError("reading the rows added to the archive");
  if (stmt->Text(0) != base_->last_row) return Exact();  // deleted, or its pk reused
  base_->bytes += stmt->Int(1);
  base_->last_pk = stmt->Int(2);
  base_->last_row = stmt->Text(3);
  return base_->bytes;
}

}  // namespace pixeldex::reconcile
