#include "catalog/storage/file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace pixeldex::storage {
namespace {

// Owns a descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// The error of a failed openat of `name` in `dir`: a symbolic link found
// there gets its own message, whatever errno the flags produced.
Status OpenError(int err, int dir, const std::string& name, const std::string& full) {
  struct stat st {};
  if ((err == ELOOP || err == ENOTDIR) && ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      S_ISLNK(st.st_mode)) {
    return Status::IoError("symbolic link in the storage tree at " + full +
                           ": pixeldex never writes through one");
  }
  return Status::FromErrno(err, "cannot open " + full);
}

// The directory holding the last component of `path`, reached from the root
// without following links, and that component's name ("" for the root).
Status OpenParent(const TreePath& path, Fd& dir, std::string& leaf) {
  dir = Fd(::open(path.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return Status::FromErrno(errno, "cannot open " + path.root.string());
  leaf.clear();
  std::filesystem::path reached = path.root;
  for (const auto& part : path.relative) {
    if (part == "." || part == ".." || part.empty()) {
      return Status::InvalidArgument("storage path leaves the root: " + path.Full());
    }
    if (!leaf.empty()) {
      Fd next(::openat(dir.get(), leaf.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (next.get() < 0) return OpenError(errno, dir.get(), leaf, (reached / leaf).string());
      reached /= leaf;
      dir = std::move(next);
    }
    leaf = part.string();
  }
  return Status::Ok();
}

class PosixFileSystem final : public FileSystem {
 public:
  Status Sync(const TreePath& path) override {
    Fd dir;
    std::string leaf;
    PIXELDEX_RETURN_IF_ERROR(OpenParent(path, dir, leaf));
    Fd target(leaf.empty() ? ::dup(dir.get())
                           : ::openat(dir.get(), leaf.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (target.get() < 0) return OpenError(errno, dir.get(), leaf, path.Full());
    if (::fsync(target.get()) != 0) return Status::FromErrno(errno, "fsync " + path.Full());
    return Status::Ok();
  }

  Status CreateDirectory(const TreePath& path) override {
    Fd dir;
    std::string leaf;
    PIXELDEX_RETURN_IF_ERROR(OpenParent(path, dir, leaf));
    if (::mkdirat(dir.get(), leaf.c_str(), 0755) == 0) return Status::Ok();
    return Status::FromErrno(errno, "cannot create directory " + path.Full());
  }

  Status Rename(const TreePath& from, const TreePath& to) override {
    Fd from_dir, to_dir;
    std::string from_leaf, to_leaf;
    PIXELDEX_RETURN_IF_ERROR(OpenParent(from, from_dir, from_leaf));
    PIXELDEX_RETURN_IF_ERROR(OpenParent(to, to_dir, to_leaf));
    if (::renameat(from_dir.get(), from_leaf.c_str(), to_dir.get(), to_leaf.c_str()) == 0) {
      return Status::Ok();
    }
    return Status::FromErrno(errno, "cannot move file into " + to.Full());
  }

  Status Link(const TreePath& from, const TreePath& to) override {
    Fd from_dir, to_dir;
    std::string from_leaf, to_leaf;
    PIXELDEX_RETURN_IF_ERROR(OpenParent(from, from_dir, from_leaf));
    PIXELDEX_RETURN_IF_ERROR(OpenParent(to, to_dir, to_leaf));
    if (::linkat(from_dir.get(), from_leaf.c_str(), to_dir.get(), to_leaf.c_str(), 0) == 0) {
      return Status::Ok();
    }
    return Status::FromErrno(errno, "cannot link file into " + to.Full());
  }

  Status RemoveFile(const TreePath& path) override {
    Fd dir;
    std::string leaf;
    PIXELDEX_RETURN_IF_ERROR(OpenParent(path, dir, leaf));
    if (::unlinkat(dir.get(), leaf.c_str(), 0) == 0) return Status::Ok();
    return Status::FromErrno(errno, "cannot remove " + path.Full());
  }
};

}  // namespace

std::string TreePath::Full() const {
  return relative.empty() ? root.string() : (root / relative).string();
}

FileSystem& RealFileSystem() {
  static PosixFileSystem* const file_system = new PosixFileSystem();
  return *file_system;
}

}  // namespace pixeldex::storage
