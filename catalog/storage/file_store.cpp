#include "catalog/storage/file_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <random>

namespace pixeldex::storage {

namespace fs = std::filesystem;

Status FsyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "cannot open " + path + " to sync");
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::FromErrno(err, "fsync " + path);
  return Status::Ok();
}

FileStore::FileStore(StorageLayout layout) : layout_(std::move(layout)) {
  std::random_device rd;
  name_prefix_ = std::to_string(::getpid()) + "-" + std::to_string(rd() & 0xffffff) + "-";
}

Result<int> FileStore::Initialize() {
  std::error_code ec;
  fs::create_directories(layout_.IncomingDir(), ec);
  if (ec) return Status::FromErrno(ec.value(), "cannot create " + layout_.IncomingDir().string());
  int removed = 0;
  for (const auto& entry : fs::directory_iterator(layout_.IncomingDir(), ec)) {
    if (entry.is_regular_file() && fs::remove(entry.path(), ec)) ++removed;
  }
  if (ec) return Status::FromErrno(ec.value(), "cannot clean " + layout_.IncomingDir().string());
  PIXELDEX_RETURN_IF_ERROR(FsyncPath(layout_.IncomingDir().string()));
  return removed;
}

std::string FileStore::NewIncomingPath() {
  return (layout_.IncomingDir() / (name_prefix_ + std::to_string(counter_.fetch_add(1)) + ".part"))
      .string();
}

Status FileStore::EnsureDirectories(const fs::path& relative_dir) {
  fs::path current = layout_.root();
  for (const auto& part : relative_dir) {
    const fs::path parent = current;
    current /= part;
    if (::mkdir(current.c_str(), 0755) == 0) {
      // A new directory entry is durable only once its parent is synced.
      PIXELDEX_RETURN_IF_ERROR(FsyncPath(parent.string()));
    } else if (errno != EEXIST) {
      return Status::FromErrno(errno, "cannot create directory " + current.string());
    }
  }
  return Status::Ok();
}

Status FileStore::Commit(const std::string& incoming_path, const std::string& relative_path) {
  const fs::path relative(relative_path);
  if (relative.is_absolute() || relative.empty()) {
    return Status::InvalidArgument("not a relative storage path: " + relative_path);
  }
  for (const auto& part : relative) {
    if (part == ".." || part == ".") {
      return Status::InvalidArgument("storage path leaves the root: " + relative_path);
    }
  }
  PIXELDEX_RETURN_IF_ERROR(FsyncPath(incoming_path));
  PIXELDEX_RETURN_IF_ERROR(EnsureDirectories(relative.parent_path()));
  const fs::path target = layout_.root() / relative;
  if (::rename(incoming_path.c_str(), target.c_str()) != 0) {
    return Status::FromErrno(errno, "cannot move file into " + target.string());
  }
  return FsyncPath(target.parent_path().string());
}

Status FileStore::Remove(const std::string& relative_path) {
  const fs::path target = layout_.Absolute(relative_path);
  if (::unlink(target.c_str()) != 0) {
    return Status::FromErrno(errno, "cannot remove " + target.string());
  }
  return FsyncPath(target.parent_path().string());
}

void FileStore::Discard(const std::string& incoming_path) { ::unlink(incoming_path.c_str()); }

}  // namespace pixeldex::storage

namespace pixeldex::storage {

Result<uint64_t> FileStore::FreeBytes() const {
  struct statvfs fs_stats {};
  if (::statvfs(layout_.root().c_str(), &fs_stats) != 0) {
    return Status::FromErrno(errno, "cannot stat file system of " + layout_.root().string());
  }
  return static_cast<uint64_t>(fs_stats.f_bavail) * fs_stats.f_frsize;
}

}  // namespace pixeldex::storage
