#include "catalog/storage/file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace pixeldex::storage {
namespace {

class PosixFileSystem final : public FileSystem {
 public:
  Status Sync(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno(errno, "cannot open " + path + " to sync");
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return Status::FromErrno(err, "fsync " + path);
    return Status::Ok();
  }

  Status CreateDirectory(const std::string& path) override {
    if (::mkdir(path.c_str(), 0755) == 0) return Status::Ok();
    return Status::FromErrno(errno, "cannot create directory " + path);
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) == 0) return Status::Ok();
    return Status::FromErrno(errno, "cannot move file into " + to);
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) == 0) return Status::Ok();
    return Status::FromErrno(errno, "cannot remove " + path);
  }
};

}  // namespace

FileSystem& RealFileSystem() {
  static PosixFileSystem* const file_system = new PosixFileSystem();
  return *file_system;
}

}  // namespace pixeldex::storage
