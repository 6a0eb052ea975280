#include "catalog/storage/durable_directories.h"

namespace pixeldex::storage {

bool DurableDirectories::Contains(const std::string& directory) const {
  std::lock_guard lock(mutex_);
  return directories_.contains(directory);
}

void DurableDirectories::Insert(const std::string& directory) {
  std::lock_guard lock(mutex_);
  if (directories_.size() >= kMaxRemembered) directories_.clear();
  directories_.insert(directory);
}

}  // namespace pixeldex::storage
