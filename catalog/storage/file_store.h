#pragma once
// FileStore: durable, atomic placement of files in the storage layout.
//
// A file arrives under IncomingDir() (NewIncomingPath), is validated, then
// Commit() makes it durable and visible in one step: fsync the file, create
// missing directories (fsyncing each parent), rename into place (atomically
// replacing an older file of the same name), fsync the directory. After Commit
// returns ok the file survives a crash or power loss; before, a crash leaves at
// most a temporary file, which Initialize() removes on the next start.
// Thread-safe: concurrent commits to different or equal names are fine.

#include <atomic>
#include <cstdint>
#include <string>

#include "catalog/common/result.h"
#include "catalog/storage/storage_layout.h"

namespace pixeldex::storage {

class FileStore {
 public:
  explicit FileStore(StorageLayout layout);

  // Creates the root and incoming directory; removes temporary files a crash
  // left behind, returning how many.
  Result<int> Initialize();
  // A fresh path in the incoming directory; nothing is created yet.
  std::string NewIncomingPath();
  Status Commit(const std::string& incoming_path, const std::string& relative_path);
  // Removes a committed file durably (unlink, fsync directory).
  Status Remove(const std::string& relative_path);
  // Removes an incoming file; errors are ignored (it may not exist).
  void Discard(const std::string& incoming_path);
  // Bytes available to this process on the storage file system.
  Result<uint64_t> FreeBytes() const;

  const StorageLayout& layout() const { return layout_; }

 private:
  Status EnsureDirectories(const std::filesystem::path& relative_dir);

  StorageLayout layout_;
  std::atomic<uint64_t> counter_{0};
  std::string name_prefix_;
};

// fsyncs a file or a directory.
Status FsyncPath(const std::string& path);

}  // namespace pixeldex::storage
