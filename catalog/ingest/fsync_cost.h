#pragma once
// FsyncCost: what the fsyncs of received files have been taking lately, and
// so whether the next one is worth a hand-off to a file worker. Handed off,
// an fsync overlaps the parse, the header and the thumbnail (a millisecond
// or more on a disk: bench/README.md "One sender's flushes"), but the
// hand-off itself costs both threads a wake-up, about 40 us of CPU on our
// 2-vCPU machines, more than a whole fsync where the storage flushes in
// microseconds (tmpfs, a RAM disk, a drive with a power-loss-protected
// cache). So an fsync runs on the ingesting thread while recent ones took
// less than a threshold (kOverlapWorthAbove unless told otherwise), and on
// a worker otherwise. The estimate is an
// exponentially weighted mean of every fsync observed, inline or handed off,
// starting from "slow": a new process hands off until fast fsyncs have been
// seen, and a storage that slows down is seen to at once. Either way every
// file is fsynced before its rows are written: only the thread differs.
// Thread-safe (relaxed atomics: a race only blends two observations).

#include <atomic>
#include <chrono>
#include <cstdint>

namespace pixeldex::ingest {

class FsyncCost {
 public:
  static constexpr std::chrono::microseconds kOverlapWorthAbove{50};

  // Inline below `threshold` (tests: zero never, an hour always).
  explicit FsyncCost(std::chrono::microseconds threshold = kOverlapWorthAbove)
      : threshold_(threshold) {}

  // True when the next fsync is cheaper on the ingesting thread.
  bool RunInline() const {
    return std::chrono::nanoseconds(mean_ns_.load(std::memory_order_relaxed)) < threshold_;
  }
  // An fsync that took `took`.
  void Observe(std::chrono::nanoseconds took) {
    const int64_t mean = mean_ns_.load(std::memory_order_relaxed);
    // One eighth of the new observation: a few dozen fast fsyncs turn a
    // start at "slow" to inline; one slow fsync of 1 ms hands off again.
    mean_ns_.store(mean + (took.count() - mean) / 8, std::memory_order_relaxed);
  }

 private:
  const std::chrono::microseconds threshold_;
  // Starts at 1 ms: hand off until seen otherwise.
  std::atomic<int64_t> mean_ns_{1'000'000};
};

}  // namespace pixeldex::ingest
