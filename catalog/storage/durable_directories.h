#pragma once
// DurableDirectories: the directories below the storage root whose entry in
// their parent this process has seen fsynced, so that FileStore syncs each
// parent once, not at every commit, whoever created the directory. Forgetting
// is always safe (the next commit syncs again), so the set is simply cleared
// when it grows past kMaxRemembered. Thread-safe.

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_set>

namespace pixeldex::storage {

class DurableDirectories {
 public:
  // About 10 MB of paths: far more series than are written to at a time.
  static constexpr size_t kMaxRemembered = 100'000;

  bool Contains(const std::string& directory) const;
  void Insert(const std::string& directory);

 private:
  mutable std::mutex mutex_;
  std::unordered_set<std::string> directories_;
};

}  // namespace pixeldex::storage
