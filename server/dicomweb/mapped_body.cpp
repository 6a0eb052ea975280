#include "server/dicomweb/mapped_body.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace pixeldex::server {

Result<MappedBody> MappedBody::Open(const HttpRequest& request) {
  if (!request.spooled_body) return MappedBody(request.body, nullptr, 0);
  const std::string& path = request.spooled_body->path();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "cannot open the request body " + path);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    return Status::FromErrno(error, "cannot read the request body " + path);
  }
  const auto size = static_cast<size_t>(info.st_size);
  if (size == 0) {
    ::close(fd);
    return MappedBody(std::string_view(), nullptr, 0);
  }
  void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int error = errno;
  ::close(fd);  // the mapping keeps the file
  if (mapping == MAP_FAILED) return Status::FromErrno(error, "cannot map the request body " + path);
  ::madvise(mapping, size, MADV_SEQUENTIAL);  // read once, front to back
  return MappedBody(std::string_view(static_cast<const char*>(mapping), size), mapping, size);
}

MappedBody::MappedBody(MappedBody&& other) noexcept
    : view_(other.view_),
      mapping_(other.mapping_),
      mapped_bytes_(other.mapped_bytes_),
      released_(other.released_) {
  other.mapping_ = nullptr;
}

MappedBody::~MappedBody() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapped_bytes_);
}

void MappedBody::Release(size_t offset) {
  if (mapping_ == nullptr) return;
  const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const size_t end = offset / page * page;  // whole pages only
  if (end <= released_) return;
  ::madvise(static_cast<char*>(mapping_) + released_, end - released_, MADV_DONTNEED);
  released_ = end;
}

}  // namespace pixeldex::server
