#include "catalog/index/index_lock_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "catalog/common/fnv1a.h"
#include "catalog/common/log.h"

namespace pixeldex::index {
namespace {

// Bytes 0 to 2^62 - 1 are the UIDs'.
constexpr uint64_t kInstanceBytes = uint64_t{1} << 62;

// A failure of the lock file as a Status (and a log line): out of
// descriptors is kResourceExhausted, anything else (read-only, missing
// folder, no locks on this file system) kIoError.
Status LockFileFailure(int err, const std::string& what) {
  const Status status = Status::FromErrno(err, what);
  LogError("{}", status.message());
  if (status.code() == Status::Code::kResourceExhausted) return status;
  return Status::IoError(status.message());
}

}  // namespace

class IndexLockFile::Held final : public InstanceLock {
 public:
  explicit Held(int fd) : fd_(fd) {}
  // Closing the open file description's one descriptor releases its lock.
  ~Held() override { ::close(fd_); }
  Held(const Held&) = delete;
  Held& operator=(const Held&) = delete;

 private:
  int fd_;
};

namespace {

// `path` made absolute, as SQLite makes the index's path when it opens it,
// so that a later change of the working folder changes neither.
std::string Absolute(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.string();
}

}  // namespace

IndexLockFile::IndexLockFile(const std::string& index_path)
    : index_path_(Absolute(index_path)), path_(PathOf(index_path_)) {}

off_t IndexLockFile::ByteOf(const std::string& sop_instance_uid) {
  return static_cast<off_t>(Fnv1a64(sop_instance_uid) % kInstanceBytes);
}

Result<std::unique_ptr<InstanceLock>> IndexLockFile::LockInstance(
    const std::string& sop_instance_uid) {
  return Take(ByteOf(sop_instance_uid), true);
}

Result<std::optional<std::unique_ptr<InstanceLock>>> IndexLockFile::LockRecycling(bool wait) {
  auto held = Take(kRecyclingByte, wait);
  if (!held.ok()) return held.status();
  if (*held == nullptr) return std::optional<std::unique_ptr<InstanceLock>>();
  return std::optional<std::unique_ptr<InstanceLock>>(std::move(held).value());
}

Result<int> IndexLockFile::Open() {
  // Made by the first lock; every later one only opens it.
  const int existing = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
  if (existing >= 0) return existing;
  if (errno != ENOENT) return LockFileFailure(errno, "cannot open the index's lock file " + path_);
  struct stat index {};
  const bool index_known = ::stat(index_path_.c_str(), &index) == 0;
  const mode_t mode = index_known ? (index.st_mode & 0666) : 0644;
  const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, mode);
  if (fd < 0) return LockFileFailure(errno, "cannot open the index's lock file " + path_);
  struct stat file {};
  if (index_known && ::geteuid() == 0 && ::fstat(fd, &file) == 0 &&
      (file.st_uid != index.st_uid || file.st_gid != index.st_gid) &&
      ::fchown(fd, index.st_uid, index.st_gid) != 0) {
    LogWarning("cannot give the index's lock file {} to the index's owner: {}", path_,
               Status::FromErrno(errno, "fchown").message());
  }
  return fd;
}

Result<std::unique_ptr<InstanceLock>> IndexLockFile::Take(off_t byte, bool wait) {
  auto fd = Open();
  if (!fd.ok()) return fd.status();
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = byte;
  lock.l_len = 1;
  lock.l_pid = 0;  // fcntl(2): must be 0 for an open file description lock
  int locked = 0;
  do {
    locked = ::fcntl(*fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &lock);
  } while (locked != 0 && errno == EINTR);
  if (locked == 0) return std::unique_ptr<InstanceLock>(std::make_unique<Held>(*fd));
  const int err = errno;
  ::close(*fd);
  if (!wait && (err == EAGAIN || err == EACCES)) return std::unique_ptr<InstanceLock>();
  return LockFileFailure(err, "cannot lock the index's lock file " + path_);
}

}  // namespace pixeldex::index
