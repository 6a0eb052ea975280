#pragma once
// FileSystem: the seam between FileStore and the operating system, for the
// steps that make a stored file durable and visible (in the spirit of
// LevelDB's Env). Production code uses RealFileSystem(); tests wrap it to make
// any one step fail (tests/support/faulty_file_system.h) and check that no
// failure leaves a visible half-done file. Errors are errno translated by
// Status::FromErrno, naming the path. Implementations must be thread-safe.
//
// Every path is a TreePath: a root directory and a path below it. The real
// file system resolves the part below the root one component at a time from
// a descriptor of the root (openat with O_NOFOLLOW | O_DIRECTORY), so a
// symbolic link planted inside the tree is never followed: the call fails
// with an IoError that names the link, and nothing is written through it.
// The root itself may be a symbolic link (the operator chose it).

#include <filesystem>
#include <string>

#include "catalog/common/status.h"

namespace pixeldex::storage {

struct TreePath {
  std::filesystem::path root;
  std::filesystem::path relative;  // no "." or ".." components; empty: the root
  // root/relative, for messages and tests.
  std::string Full() const;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // fsyncs a file or a directory.
  virtual Status Sync(const TreePath& path) = 0;
  // Creates one directory (mode 0755); kAlreadyExists when it (or anything
  // else of that name) exists.
  virtual Status CreateDirectory(const TreePath& path) = 0;
  // rename(2): atomically replaces `to` if it exists.
  virtual Status Rename(const TreePath& from, const TreePath& to) = 0;
  // link(2): a second name `to` for the file `from`; kAlreadyExists when
  // `to` exists.
  virtual Status Link(const TreePath& from, const TreePath& to) = 0;
  // unlink(2) of a file.
  virtual Status RemoveFile(const TreePath& path) = 0;
};

// The process's real file system (POSIX *at calls). Lives forever.
FileSystem& RealFileSystem();

}  // namespace pixeldex::storage
