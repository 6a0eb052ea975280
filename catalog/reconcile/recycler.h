#pragma once
// Retention and recycling: which studies go when the archive is older or
// larger than the settings allow, and their deletion through the crash-safe
// deleter (instance_deleter.h), one event `deleted` per instance with the
// rule that removed it. A study goes whole, oldest first (by the time its
// last instance was received), never one listed in `protected_studies`
// (`pixeldex protect`). Rules, each off when 0:
//   - max_age_days: a study whose last instance was received longer ago;
//   - max_size_bytes: the oldest studies until the archive's files (the sum
//     of instances.size_bytes), plus the bytes about to arrive, fit.
// The selection reads the index (SQLite or PostgreSQL) through a connection
// of its own; the caller owns the writer. Recycle takes turns through the
// writer (IndexWriter::LockRecycling) with the other passes of this process
// and of every other process writing the index (on SQLite a byte of the lock
// file beside it, on PostgreSQL an advisory lock), so that no two passes
// delete one instance twice nor count its bytes twice.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/index/index_writer.h"
#include "catalog/reconcile/instance_deleter.h"
#include "catalog/reconcile/study_protection.h"
#include "catalog/storage/file_system.h"
#include "catalog/storage/storage_layout.h"

namespace pixeldex::reconcile {

struct RecyclePolicy {
  int64_t max_size_bytes = 0;  // 0: no size limit
  int max_age_days = 0;        // 0: kept for ever
};

struct StudyToRecycle {
  std::string study_instance_uid;
  int64_t bytes = 0;
  std::string rule;  // e.g. "storage.max_size_mb", "retention.max_age_days"
  std::vector<DeleteTarget> instances;
};

// The studies the policy removes at `now`, in the order they go, so that
// `incoming_bytes` more fit under the size limit. Empty when nothing need go;
// when protected studies alone exceed the limit, every unprotected study is
// listed and the archive still does not fit (the caller checks its size).
Result<std::vector<StudyToRecycle>> SelectStudiesToRecycle(
    const std::string& index_path, const RecyclePolicy& policy,
    std::chrono::system_clock::time_point now, int64_t incoming_bytes);

// Deletes every instance of `study` (DeleteInstance), the event saying
// "recycling (<rule>)"; stops at the first failure.
Status RecycleStudy(storage::FileSystem& file_system, const storage::StorageLayout& layout,
                    index::IndexWriter& writer, const StudyToRecycle& study);

struct RecycleReport {
  int64_t studies = 0;
  int64_t instances = 0;
  int64_t bytes = 0;
  bool skipped = false;  // RecycleTurn::kSkip found another process's pass running
};

// When another process of the index runs a pass: wait for it, then run
// this one (which finds what that one left), or skip this one.
enum class RecycleTurn { kWait, kSkip };

// Once the turn is taken (`turn`), SelectStudiesToRecycle, then
// RecycleStudy for each, with an info log line per study; stops at the first
// failure, and between two studies once `cancel` (when given) is set (the
// report counts what went).
Result<RecycleReport> Recycle(storage::FileSystem& file_system,
                              const storage::StorageLayout& layout, index::IndexWriter& writer,
                              const std::string& index_path, const RecyclePolicy& policy,
                              std::chrono::system_clock::time_point now, int64_t incoming_bytes,
                              const std::atomic<bool>* cancel = nullptr,
                              RecycleTurn turn = RecycleTurn::kWait);

}  // namespace pixeldex::reconcile
