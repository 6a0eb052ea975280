#include "catalog/storage/free_space_gauge.h"

#include <utility>

namespace pixeldex::storage {

FreeSpaceGauge::FreeSpaceGauge(std::function<Result<uint64_t>()> measure,
                               std::function<Clock::time_point()> now)
    : measure_(std::move(measure)), now_(std::move(now)) {}

Result<uint64_t> FreeSpaceGauge::FreeBytesFor(uint64_t minimum) {
  std::lock_guard lock(mutex_);
  const Clock::time_point now = now_();
  if (measured_ && now - measured_at_ < kMaxAge) {
    const uint64_t estimate = *measured_ > consumed_since_ ? *measured_ - consumed_since_ : 0;
    if (estimate >= minimum && estimate - minimum >= kMargin) return estimate;
  }
  measured_.reset();
  auto measured = measure_();
  if (!measured.ok()) return measured.status();
  measured_ = *measured;
  measured_at_ = now;
  consumed_since_ = 0;
  return *measured;
}

void FreeSpaceGauge::Consumed(uint64_t bytes) {
  std::lock_guard lock(mutex_);
  consumed_since_ += bytes;
}

}  // namespace pixeldex::storage
