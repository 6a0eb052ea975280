#include "server/dimse/archive_room.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <mutex>

#include "catalog/common/log.h"
#include "catalog/reconcile/archive_size.h"

namespace pixeldex::server {

reconcile::RecyclePolicy RecyclePolicyOf(const StorageSettings& storage) {
  reconcile::RecyclePolicy policy;
  if (storage.recycling) policy.max_size_bytes = storage.max_size_mb << 20;
  policy.max_age_days = storage.max_age_days;
  return policy;
}

namespace {

// Held by whoever recycles.
std::mutex& OneRecycling() {
  static std::mutex recycling;
  return recycling;
}

// The running total of the archive at `index_path` (one tracker per index
// for the life of the process, under a lock of its own that is never held
// while waiting for OneRecycling): exact, or the cheap estimate.
Result<int64_t> ArchiveTotal(const std::string& index_path, bool exact) {
  static std::mutex mutex;
  static std::map<std::string, reconcile::ArchiveSizeTracker> trackers;
  std::lock_guard lock(mutex);
  auto& tracker = trackers.try_emplace(index_path, index_path).first->second;
  return exact ? tracker.Exact() : tracker.Estimate();
}

}  // namespace

std::optional<std::string> ArchiveSizeShortfall(const ServerContext& context) {
  const StorageSettings& storage = context.settings.storage;
  if (storage.max_size_mb <= 0) return std::nullopt;
  const int64_t limit = storage.max_size_mb << 20;
  // The running total is never below the true one: under the limit, the
  // store goes on without waiting for a recycling in progress.
  auto bytes = ArchiveTotal(storage.index, false);
  if (bytes.ok() && *bytes < limit) return std::nullopt;
  // Refusing and recycling rest on the exact total.
  std::lock_guard lock(OneRecycling());
  bytes = ArchiveTotal(storage.index, true);
  if (!bytes.ok()) return "archive size unknown: " + bytes.status().message().substr(0, 40);
  if (*bytes < limit) return std::nullopt;
  if (storage.recycling) {
    // One byte more than the archive holds: the oldest studies go until the
    // files are under the limit.
    auto recycled = reconcile::Recycle(context.store.file_system(), context.store.layout(),
                                       context.writer, storage.index, RecyclePolicyOf(storage),
                                       std::chrono::system_clock::now(), 1);
    if (!recycled.ok()) {
      Log(LogLevel::kError, "recycling failed: {}", recycled.status().message());
    }
    bytes = ArchiveTotal(storage.index, true);
    if (bytes.ok() && *bytes < limit) return std::nullopt;
    if (!bytes.ok()) return "archive size unknown: " + bytes.status().message().substr(0, 40);
  }
  return fmt::format("archive {} MB reached storage.max_size_mb {}", *bytes >> 20,
                     storage.max_size_mb);
}

Result<reconcile::RecycleReport> ApplyRetention(const ServerContext& context,
                                                const std::atomic<bool>& cancel) {
  const StorageSettings& storage = context.settings.storage;
  std::lock_guard lock(OneRecycling());
  // Each node's timer fires; the node that finds another's pass running
  // leaves this round to it.
  return reconcile::Recycle(context.store.file_system(), context.store.layout(), context.writer,
                            storage.index, RecyclePolicyOf(storage),
                            std::chrono::system_clock::now(), 0, &cancel,
                            reconcile::RecycleTurn::kSkip);
}

}  // namespace pixeldex::server
