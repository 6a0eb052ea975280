#include "catalog/import/file_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <vector>

#include "catalog/common/unique_fd.h"
#include "catalog/common/write_all.h"

namespace pixeldex::import {
namespace {

constexpr size_t kChunkBytes = 1 << 20;

Status Copy(int in, int out, const std::string& from, const std::string& to) {
  // copy_file_range lets the kernel copy (or reflink) without a round trip
  // through user space; it is refused across some filesystems, and then the
  // plain loop below does the work.
  for (;;) {
    const ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, kChunkBytes, 0);
    if (n == 0) return Status::Ok();
    if (n > 0) continue;
    if (errno == EINTR) continue;
    if (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) break;
    return Status::FromErrno(errno, "cannot copy " + from + " to " + to);
  }
  std::vector<char> buffer(kChunkBytes);
  for (;;) {
    const ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(errno, "cannot read " + from);
    if (n == 0) return Status::Ok();
    PIXELDEX_RETURN_IF_ERROR(WriteAll(out, std::string_view(buffer.data(), static_cast<size_t>(n)), to));
  }
}

// Creates `to` and fills it with `fill(fd)`; removes it again on failure.
template <typename Fill>
Status CreateFilled(const std::string& to, Fill fill) {
  UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (out.get() < 0) return Status::FromErrno(errno, "cannot create " + to);
  Status status = fill(out.get());
  if (out.Close() != 0 && status.ok()) status = Status::FromErrno(errno, "cannot write " + to);
  if (!status.ok()) ::unlink(to.c_str());
  return status;
}

}  // namespace

Status CopyFileContents(const std::string& from, const std::string& to) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (in.get() < 0) return Status::FromErrno(errno, "cannot open " + from);
  return CreateFilled(to, [&](int out) { return Copy(in.get(), out, from, to); });
}

Status WriteFileContents(const std::string& to, std::string_view bytes) {
  return CreateFilled(to, [&](int out) { return WriteAll(out, bytes, to); });
}

Result<bool> ReadFileUpTo(const std::string& from, size_t limit, std::string& bytes) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (in.get() < 0) return Status::FromErrno(errno, "cannot open " + from);
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) return Status::FromErrno(errno, "cannot stat " + from);
  if (static_cast<uint64_t>(st.st_size) > limit) return false;
  // One byte more than the size: a file that grew since fstat is seen to.
  bytes.resize(std::min(static_cast<size_t>(st.st_size) + 1, limit + 1));
  size_t size = 0;
  for (;;) {
    const ssize_t n = ::read(in.get(), bytes.data() + size, bytes.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(errno, "cannot read " + from);
    if (n == 0) break;
    size += static_cast<size_t>(n);
    if (size > limit) return false;
    if (size == bytes.size()) bytes.resize(std::min(bytes.size() * 2, limit + 1));
  }
  bytes.resize(size);
  return true;
}

}  // namespace pixeldex::import
