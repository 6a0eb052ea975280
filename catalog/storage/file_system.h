#pragma once
// FileSystem: the seam between FileStore and the operating system, for the
// steps that make a stored file durable and visible (in the spirit of
// LevelDB's Env). Production code uses RealFileSystem(); tests wrap it to make
// any one step fail (tests/support/faulty_file_system.h) and check that no
// failure leaves a visible half-done file. Errors are errno translated by
// Status::FromErrno, naming the path. Implementations must be thread-safe.
//
// Every step works on a name in an open Directory (the POSIX *at calls), so
// that a caller doing several steps in one directory (a commit: link, rename,
// fsync) walks to it once, not once per step. A Directory is reached from the
// root one component at a time (openat with O_NOFOLLOW | O_DIRECTORY), so a
// symbolic link planted inside the tree is never followed: the call fails
// with an IoError that names the link, and nothing is written through it. The
// names given to the *At steps are single components (no '/', "." or ".."),
// so they cannot leave their directory either. The root itself may be a
// symbolic link (the operator chose it).
// The TreePath forms (Sync, CreateDirectory, ...) are for callers that do one
// step in a directory: each opens the directory of its path(s), then runs the
// *At step, so a test's fault reaches both forms.

#include <filesystem>
#include <string>
#include <utility>

#include "catalog/common/result.h"
#include "catalog/common/status.h"

namespace pixeldex::storage {

struct TreePath {
  std::filesystem::path root;
  std::filesystem::path relative;  // no "." or ".." components; empty: the root
  // root/relative, for messages and tests.
  std::string Full() const;
};

// An open directory of the tree (FileSystem::OpenRoot, OpenSubdirectory).
// Owns its descriptor; move-only. The descriptor keeps naming the directory
// it was opened on, whatever is later renamed or planted at its path.
class Directory {
 public:
  // Takes ownership of `fd`, an open directory whose path is `full`.
  Directory(int fd, std::filesystem::path full) : fd_(fd), full_(std::move(full)) {}
  Directory(Directory&& other) noexcept;
  Directory& operator=(Directory&& other) noexcept;
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;
  ~Directory();

  int fd() const { return fd_; }
  // full/name ("" names the directory itself), for messages and tests; equal
  // to TreePath::Full() of the same file.
  std::string FullOf(const std::string& name) const;

 private:
  int fd_;
  std::filesystem::path full_;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The root of a tree (following a link: the operator chose it).
  virtual Result<Directory> OpenRoot(const std::filesystem::path& root) = 0;
  // The directory `name` in `parent`; an IoError naming the link when it is
  // a symbolic link, kNotFound when there is none.
  virtual Result<Directory> OpenSubdirectory(const Directory& parent, const std::string& name) = 0;
  // fsyncs the file or directory `name` in `dir`, or `dir` itself for "".
  virtual Status SyncAt(const Directory& dir, const std::string& name) = 0;
  // fsyncs the file open as `fd` (the caller's descriptor, left open), the
  // file `name` in `dir`: SyncAt without opening it again.
  virtual Status SyncOpenAt(const Directory& dir, const std::string& name, int fd) = 0;
  // Creates one directory (mode 0755); kAlreadyExists when it (or anything
  // else of that name) exists.
  virtual Status CreateDirectoryAt(const Directory& parent, const std::string& name) = 0;
  // rename(2): atomically replaces `to` if it exists.
  virtual Status RenameAt(const Directory& from_dir, const std::string& from,
                          const Directory& to_dir, const std::string& to) = 0;
  // link(2): a second name `to` for the file `from`; kAlreadyExists when
  // `to` exists.
  virtual Status LinkAt(const Directory& from_dir, const std::string& from,
                        const Directory& to_dir, const std::string& to) = 0;
  // unlink(2) of a file.
  virtual Status RemoveFileAt(const Directory& dir, const std::string& name) = 0;

  // The directory at `path`, walked to from its root; InvalidArgument when
  // the path has a "." or ".." component.
  Result<Directory> OpenDirectory(const TreePath& path);
  // The steps above on a TreePath (Sync of the root syncs the root itself).
  Status Sync(const TreePath& path);
  Status CreateDirectory(const TreePath& path);
  Status Rename(const TreePath& from, const TreePath& to);
  Status Link(const TreePath& from, const TreePath& to);
  Status RemoveFile(const TreePath& path);
};

// The process's real file system (POSIX *at calls). Lives forever.
FileSystem& RealFileSystem();

}  // namespace pixeldex::storage
