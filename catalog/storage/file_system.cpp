#include "catalog/storage/file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace pixeldex::storage {
namespace {

// The error of a failed openat of `name` in `dir`: a symbolic link found
// there gets its own message, whatever errno the flags produced.
Status OpenError(int err, const Directory& dir, const std::string& name) {
  struct stat st {};
  if ((err == ELOOP || err == ENOTDIR) &&
      ::fstatat(dir.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
    return Status::IoError("symbolic link in the storage tree at " + dir.FullOf(name) +
                           ": pixeldex never writes through one");
  }
  return Status::FromErrno(err, "cannot open " + dir.FullOf(name));
}

// A name an *At step may use: one component, so the step stays in its
// directory ("" only where it names the directory itself).
bool IsOneComponent(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

Status NotOneComponent(const Directory& dir, const std::string& name) {
  return Status::InvalidArgument("not a name in " + dir.FullOf("") + ": " + name);
}

class PosixFileSystem final : public FileSystem {
 public:
  Result<Directory> OpenRoot(const std::filesystem::path& root) override {
    const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno(errno, "cannot open " + root.string());
    return Directory(fd, root);
  }

  Result<Directory> OpenSubdirectory(const Directory& parent, const std::string& name) override {
    if (!IsOneComponent(name)) return NotOneComponent(parent, name);
    const int fd =
        ::openat(parent.fd(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return OpenError(errno, parent, name);
    return Directory(fd, parent.FullOf(name));
  }

  Status SyncAt(const Directory& dir, const std::string& name) override {
    if (name.empty()) return Synced(::fsync(dir.fd()), dir, name);
    if (!IsOneComponent(name)) return NotOneComponent(dir, name);
    const int fd = ::openat(dir.fd(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return OpenError(errno, dir, name);
    const Status synced = Synced(::fsync(fd), dir, name);
    ::close(fd);
    return synced;
  }

  Status SyncOpenAt(const Directory& dir, const std::string& name, int fd) override {
    if (!IsOneComponent(name)) return NotOneComponent(dir, name);
    return Synced(::fsync(fd), dir, name);
  }

  Status CreateDirectoryAt(const Directory& parent, const std::string& name) override {
    if (!IsOneComponent(name)) return NotOneComponent(parent, name);
    if (::mkdirat(parent.fd(), name.c_str(), 0755) == 0) return Status::Ok();
    return Status::FromErrno(errno, "cannot create directory " + parent.FullOf(name));
  }

  Status RenameAt(const Directory& from_dir, const std::string& from, const Directory& to_dir,
                  const std::string& to) override {
    if (!IsOneComponent(from)) return NotOneComponent(from_dir, from);
    if (!IsOneComponent(to)) return NotOneComponent(to_dir, to);
    if (::renameat(from_dir.fd(), from.c_str(), to_dir.fd(), to.c_str()) == 0) return Status::Ok();
    return Status::FromErrno(errno, "cannot move file into " + to_dir.FullOf(to));
  }

  Status LinkAt(const Directory& from_dir, const std::string& from, const Directory& to_dir,
                const std::string& to) override {
    if (!IsOneComponent(from)) return NotOneComponent(from_dir, from);
    if (!IsOneComponent(to)) return NotOneComponent(to_dir, to);
    if (::linkat(from_dir.fd(), from.c_str(), to_dir.fd(), to.c_str(), 0) == 0) return Status::Ok();
    return Status::FromErrno(errno, "cannot link file into " + to_dir.FullOf(to));
  }

  Status RemoveFileAt(const Directory& dir, const std::string& name) override {
    if (!IsOneComponent(name)) return NotOneComponent(dir, name);
    if (::unlinkat(dir.fd(), name.c_str(), 0) == 0) return Status::Ok();
    return Status::FromErrno(errno, "cannot remove " + dir.FullOf(name));
  }

 private:
  static Status Synced(int fsync_result, const Directory& dir, const std::string& name) {
    if (fsync_result == 0) return Status::Ok();
    return Status::FromErrno(errno, "fsync " + dir.FullOf(name));
  }
};

// The directory holding the last component of `path` (opened) and that
// component's name ("" for the root itself).
struct Parent {
  Directory dir;
  std::string leaf;
};

Result<Parent> OpenParent(FileSystem& file_system, const TreePath& path) {
  if (path.relative.empty()) {
    auto root = file_system.OpenRoot(path.root);
    if (!root.ok()) return root.status();
    return Parent{std::move(root).value(), ""};
  }
  std::string leaf = path.relative.filename().string();
  if (leaf.empty() || leaf == "." || leaf == "..") {
    return Status::InvalidArgument("storage path leaves the root: " + path.Full());
  }
  auto dir = file_system.OpenDirectory(TreePath{path.root, path.relative.parent_path()});
  if (!dir.ok()) return dir.status();
  return Parent{std::move(dir).value(), std::move(leaf)};
}

// Opens the parents of `from` and `to`, then runs `step` on both.
template <typename Step>
Status OnParents(FileSystem& file_system, const TreePath& from, const TreePath& to, Step step) {
  auto from_parent = OpenParent(file_system, from);
  if (!from_parent.ok()) return from_parent.status();
  auto to_parent = OpenParent(file_system, to);
  if (!to_parent.ok()) return to_parent.status();
  return step(*from_parent, *to_parent);
}

}  // namespace

std::string TreePath::Full() const {
  return relative.empty() ? root.string() : (root / relative).string();
}

Directory::Directory(Directory&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), full_(std::move(other.full_)) {}

Directory& Directory::operator=(Directory&& other) noexcept {
  std::swap(fd_, other.fd_);
  std::swap(full_, other.full_);
  return *this;
}

Directory::~Directory() {
  if (fd_ >= 0) ::close(fd_);
}

std::string Directory::FullOf(const std::string& name) const {
  return name.empty() ? full_.string() : (full_ / name).string();
}

Result<Directory> FileSystem::OpenDirectory(const TreePath& path) {
  auto dir = OpenRoot(path.root);
  for (const auto& part : path.relative) {
    if (!dir.ok()) break;
    if (part == "." || part == ".." || part.empty()) {
      return Status::InvalidArgument("storage path leaves the root: " + path.Full());
    }
    dir = OpenSubdirectory(*dir, part.string());
  }
  return dir;
}

Status FileSystem::Sync(const TreePath& path) {
  auto parent = OpenParent(*this, path);
  return parent.ok() ? SyncAt(parent->dir, parent->leaf) : parent.status();
}

Status FileSystem::CreateDirectory(const TreePath& path) {
  auto parent = OpenParent(*this, path);
  return parent.ok() ? CreateDirectoryAt(parent->dir, parent->leaf) : parent.status();
}

Status FileSystem::Rename(const TreePath& from, const TreePath& to) {
  return OnParents(*this, from, to, [this](const Parent& a, const Parent& b) {
    return RenameAt(a.dir, a.leaf, b.dir, b.leaf);
  });
}

Status FileSystem::Link(const TreePath& from, const TreePath& to) {
  return OnParents(*this, from, to, [this](const Parent& a, const Parent& b) {
    return LinkAt(a.dir, a.leaf, b.dir, b.leaf);
  });
}

Status FileSystem::RemoveFile(const TreePath& path) {
  auto parent = OpenParent(*this, path);
  return parent.ok() ? RemoveFileAt(parent->dir, parent->leaf) : parent.status();
}

FileSystem& RealFileSystem() {
  static PosixFileSystem* const file_system = new PosixFileSystem();
  return *file_system;
}

}  // namespace pixeldex::storage
