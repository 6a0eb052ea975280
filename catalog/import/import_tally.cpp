#include "catalog/import/import_tally.h"

namespace pixeldex::import {

void ImportTally::Record(FileResult result, int64_t size_bytes) {
  by_result_[static_cast<size_t>(result)].fetch_add(1, std::memory_order_relaxed);
  bytes_done_.fetch_add(size_bytes, std::memory_order_relaxed);
  files_done_.fetch_add(1, std::memory_order_relaxed);
}

void ImportTally::RecordFailure(const std::string& path, const std::string& reason,
                                int64_t size_bytes) {
  {
    std::lock_guard lock(failures_mutex_);
    if (failures_.size() < max_listed_) failures_.push_back({path, reason});
  }
  Record(FileResult::kFailed, size_bytes);
}

ImportCounts ImportTally::Snapshot() const {
  ImportCounts counts;
  for (size_t i = 0; i < kFileResultCount; ++i) {
    counts.by_result[i] = by_result_[i].load(std::memory_order_relaxed);
  }
  counts.files_done = files_done_.load(std::memory_order_relaxed);
  counts.bytes_done = bytes_done_.load(std::memory_order_relaxed);
  return counts;
}

std::vector<ImportFailure> ImportTally::Failures() const {
  std::lock_guard lock(failures_mutex_);
  return failures_;
}

}  // namespace pixeldex::import
