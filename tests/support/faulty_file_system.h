#pragma once
// FaultyFileSystem: the real file system, except that the calls a test arms
// fail (with the errno it chooses) instead of running. Used to fail each step
// of making a stored file durable (opening a directory, fsync, mkdir, link,
// rename, directory fsync) and check that no failure leaves a visible
// half-done file; it also records which paths were synced. The TreePath forms
// of FileSystem reach the same steps. Thread-safe.

#include <cerrno>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/storage/file_system.h"

namespace pixeldex::testing {

class FaultyFileSystem final : public storage::FileSystem {
 public:
  // kOpenDirectory: OpenRoot and OpenSubdirectory.
  enum class Op { kOpenDirectory, kSync, kCreateDirectory, kRename, kLink, kRemoveFile };

  // The call of `op` after `skip` successful ones fails with `err`, once.
  void FailOnce(Op op, int skip = 0, int err = EIO);
  // How many calls of `op` ran or failed so far.
  int Calls(Op op) const;
  // The paths (TreePath::Full) of every Sync call so far, in order.
  std::vector<std::string> SyncedPaths() const;

  Result<storage::Directory> OpenRoot(const std::filesystem::path& root) override;
  Result<storage::Directory> OpenSubdirectory(const storage::Directory& parent,
                                              const std::string& name) override;
  Status SyncAt(const storage::Directory& dir, const std::string& name) override;
  // A kSync call, as SyncAt.
  Status SyncOpenAt(const storage::Directory& dir, const std::string& name, int fd) override;
  Status CreateDirectoryAt(const storage::Directory& parent, const std::string& name) override;
  Status RenameAt(const storage::Directory& from_dir, const std::string& from,
                  const storage::Directory& to_dir, const std::string& to) override;
  Status LinkAt(const storage::Directory& from_dir, const std::string& from,
                const storage::Directory& to_dir, const std::string& to) override;
  Status RemoveFileAt(const storage::Directory& dir, const std::string& name) override;

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
