#pragma once
// ImportTally: what became of each file of an import, counted as the workers
// finish them, plus the first failures with their reasons. Workers record;
// the progress line and the final summary read snapshots. Thread-safe.

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace pixeldex::import {

// The fate of one file.
enum class FileResult {
  kImported,       // cataloged; no instance with its SOP Instance UID before
  kReplaced,       // cataloged, replacing an instance with the same UID
  kUnchanged,      // cataloged before and unchanged since: skipped
  kDuplicateKept,  // same UID cataloged before; storage.duplicates=keep kept that one
  kNotDicom,       // not recognised as DICOM: skipped
  kFailed,         // recognised but not cataloged (unreadable, corrupt, invalid)
  kNotInstance,    // DICOM, but not a composite instance (a DICOMDIR): skipped
  kRebuilt,        // cataloged in place again at the path its row records
  kCorrupt,        // in place: content no longer matches the recorded SHA-256; left as is
};
inline constexpr size_t kFileResultCount = 9;

struct ImportFailure {
  std::string path;
  std::string reason;
};

struct ImportCounts {
  std::array<int64_t, kFileResultCount> by_result{};
  int64_t files_done = 0;  // all results
  int64_t bytes_done = 0;  // sizes of the files done, as walked

  int64_t Of(FileResult r) const { return by_result[static_cast<size_t>(r)]; }
  // Files that need a person: failed or corrupt (the command exits 1).
  int64_t NeedingAttention() const { return Of(FileResult::kFailed) + Of(FileResult::kCorrupt); }
};

class ImportTally {
 public:
  // Keeps the first `max_failures_listed` failures' paths and reasons.
  explicit ImportTally(size_t max_failures_listed) : max_listed_(max_failures_listed) {}

  void Record(FileResult result, int64_t size_bytes);
  // Records a failure (result kFailed) with its reason.
  void RecordFailure(const std::string& path, const std::string& reason, int64_t size_bytes);

  ImportCounts Snapshot() const;
  // The failures kept, in the order they were recorded.
  std::vector<ImportFailure> Failures() const;

 private:
  const size_t max_listed_;
  std::array<std::atomic<int64_t>, kFileResultCount> by_result_{};
  std::atomic<int64_t> files_done_{0};
  std::atomic<int64_t> bytes_done_{0};
  mutable std::mutex failures_mutex_;
  std::vector<ImportFailure> failures_;
};

}  // namespace pixeldex::import
