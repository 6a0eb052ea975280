#include "server/dimse/archive_room.h"

#include <fmt/format.h>

#include <chrono>
#include <mutex>

#include "catalog/common/log.h"

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

}  // namespace

std::optional<std::string> ArchiveSizeShortfall(const ServerContext& context) {
  const StorageSettings& storage = context.settings.storage;
  if (storage.max_size_mb <= 0) return std::nullopt;
  const int64_t limit = storage.max_size_mb << 20;
  std::lock_guard lock(OneRecycling());
  auto bytes = reconcile::ArchiveBytes(storage.index);
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
    bytes = reconcile::ArchiveBytes(storage.index);
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
  return reconcile::Recycle(context.store.file_system(), context.store.layout(), context.writer,
                            storage.index, RecyclePolicyOf(storage),
                            std::chrono::system_clock::now(), 0, &cancel);
}

}  // namespace pixeldex::server
