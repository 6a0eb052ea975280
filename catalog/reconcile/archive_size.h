#pragma once
// ArchiveSizeTracker: a running total of the archive's bytes (the sum of
// instances.size_bytes) for the size check at C-STORE time, so that a store
// does not re-sum the whole index (1.7 s at a million instances, against
// 1 ms for the rows added since). Estimate() is the last exact total plus
// the bytes of the rows added since then, read through the primary key
// (instance_pk beyond the largest seen), whoever added them (the server, an
// import beside it). Rows deleted since still count until the next Exact(),
// so an estimate is never below the true total: the index never changes a
// row's size in place (a replaced instance is a new row), and when the last
// row seen is no longer the same (deleted, its instance_pk reused) the
// estimate is an exact sum. Callers decide to refuse or recycle only on
// Exact(). On PostgreSQL, where several nodes insert at once, a row may
// commit after one with a larger instance_pk was counted; the estimate then
// misses it until the next Exact() (at most the stores in flight at that
// moment). Reads through a connection of its own (ArchiveReads, opened on
// first use, SQLite or PostgreSQL). Not thread-safe (the caller serialises,
// as it does recycling).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "catalog/common/result.h"
#include "catalog/index/archive_reads.h"
#include "catalog/index/retention_reads.h"

namespace pixeldex::reconcile {

class ArchiveSizeTracker {
 public:
  explicit ArchiveSizeTracker(std::string index_path) : index_path_(std::move(index_path)) {}

  // At least the archive's bytes; exact when nothing was deleted since the
  // last Exact(). The first call sums the index.
  Result<int64_t> Estimate();
  // Sums the index; the result is the new base of Estimate().
  Result<int64_t> Exact();

 private:
  // The connection, opened on first use.
  Result<index::ArchiveReads*> Reads();

  std::string index_path_;
  std::unique_ptr<index::ArchiveReads> reads_;
  std::optional<index::SizeMark> base_;
};

}  // namespace pixeldex::reconcile
