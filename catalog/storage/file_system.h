#pragma once
// FileSystem: the seam between FileStore and the operating system, for the
// steps that make a stored file durable and visible (in the spirit of
// LevelDB's Env). Production code uses RealFileSystem(); tests wrap it to make
// any one step fail (tests/support/faulty_file_system.h) and check that no
// failure leaves a visible half-done file. Errors are errno translated by
// Status::FromErrno, naming the path. Implementations must be thread-safe.

#include <string>

#include "catalog/common/status.h"

namespace pixeldex::storage {

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // fsyncs a file or a directory.
  virtual Status Sync(const std::string& path) = 0;
  // Creates one directory (mode 0755); kAlreadyExists when it exists.
  virtual Status CreateDirectory(const std::string& path) = 0;
  // rename(2): atomically replaces `to` if it exists.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // unlink(2) of a file.
  virtual Status RemoveFile(const std::string& path) = 0;
};

// The process's real file system (POSIX calls). Lives forever.
FileSystem& RealFileSystem();

}  // namespace pixeldex::storage
