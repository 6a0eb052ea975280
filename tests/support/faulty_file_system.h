#pragma once
// FaultyFileSystem: the real file system, except that the calls a test arms
// fail (with the errno it chooses) instead of running. Used to fail each step
// of making a stored file durable (fsync, mkdir, link, rename, directory fsync) and
// check that no failure leaves a visible half-done file; it also records which
// paths were synced. Thread-safe.

#include <cerrno>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/storage/file_system.h"

namespace pixeldex::testing {

class FaultyFileSystem final : public storage::FileSystem {
 public:
  enum class Op { kSync, kCreateDirectory, kRename, kLink, kRemoveFile };

  // The call of `op` after `skip` successful ones fails with `err`, once.
  void FailOnce(Op op, int skip = 0, int err = EIO);
  // How many calls of `op` ran or failed so far.
  int Calls(Op op) const;
  // The paths (TreePath::Full) of every Sync call so far, in order.
  std::vector<std::string> SyncedPaths() const;

  Status Sync(const storage::TreePath& path) override;
  Status CreateDirectory(const storage::TreePath& path) override;
  Status Rename(const storage::TreePath& from, const storage::TreePath& to) override;
  Status Link(const storage::TreePath& from, const storage::TreePath& to) override;
  Status RemoveFile(const storage::TreePath& path) override;

 private:
  struct Fault {
    int skip = 0;
    int err = 0;
  };
  // The injected error for this call of `op`, or ok to run it for real.
  Status Injected(Op op, const std::string& path);

  mutable std::mutex mutex_;
  std::map<Op, Fault> armed_;
  std::map<Op, int> calls_;
  std::vector<std::string> synced_paths_;
};

}  // namespace pixeldex::testing
