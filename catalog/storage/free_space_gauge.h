#pragma once
// FreeSpaceGauge: the storage file system's free bytes for the admission
// check of each store (storage.min_free_mb), without a statfs(2) per store
// (one system call of a tiny C-STORE's 80; issue 20 part 2). A check
// answers from the last measurement less every byte this process has
// stored since (Consumed), and measures again first when
//   - that measurement is older than kMaxAge, or
//   - its estimate is within kMargin of the minimum asked about, or below it.
// What is kept: near the minimum (within kMargin) every check measures, as
// each did before; above it, the estimate is exact for this process's own
// stored files, and misses only what other writers (another process, the
// index's own growth) took since the last measurement, at most kMaxAge ago.
// So a store is admitted below the minimum only if more than kMargin was
// taken by others within kMaxAge. A failed measurement is returned as its
// error and never remembered. Thread-safe.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

#include "catalog/common/result.h"

namespace pixeldex::storage {

class FreeSpaceGauge {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kMaxAge{1000};
  static constexpr uint64_t kMargin = uint64_t{64} << 20;

  // `measure` takes a measurement (statfs); `now` is the clock (tests).
  explicit FreeSpaceGauge(std::function<Result<uint64_t>()> measure,
                          std::function<Clock::time_point()> now = Clock::now);

  // Free bytes, estimated or measured as above, for a check against
  // `minimum` bytes.
  Result<uint64_t> FreeBytesFor(uint64_t minimum);
  // `bytes` more were stored (a file committed into the layout).
  void Consumed(uint64_t bytes);

 private:
  const std::function<Result<uint64_t>()> measure_;
  const std::function<Clock::time_point()> now_;
  std::mutex mutex_;
  std::optional<uint64_t> measured_;  // guarded by mutex_
  Clock::time_point measured_at_;     // guarded by mutex_
  uint64_t consumed_since_ = 0;       // guarded by mutex_
};

}  // namespace pixeldex::storage
