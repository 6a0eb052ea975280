#include "catalog/export/zip_destination.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <system_error>
#include <vector>

#include "catalog/common/write_all.h"

namespace pixeldex::exporting {
namespace fs = std::filesystem;
namespace {

constexpr size_t kChunk = 1 << 20;

// Calls `each` with the bytes of `path`, a chunk at a time.
Status ReadChunks(const fs::path& path, const std::function<Status(std::string_view)>& each) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + path.string());
  std::vector<char> buffer(kChunk);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<size_t>(in.gcount());
    if (got > 0) PIXELDEX_RETURN_IF_ERROR(each({buffer.data(), got}));
  }
  return in.bad() ? Status::IoError("cannot read " + path.string()) : Status::Ok();
}

Status SyncFolderOf(const fs::path& file) {
  const fs::path folder = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "cannot open " + folder.string());
  const int synced = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  return synced == 0 ? Status::Ok() : Status::FromErrno(err, "cannot fsync " + folder.string());
}

}  // namespace

Result<std::unique_ptr<ZipDestination>> ZipDestination::Create(const fs::path& file,
                                                                uint64_t zip64_from) {
  const fs::path partial = fs::path(file.string() + ".partial");
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno(errno, "cannot create " + partial.string());
  return std::unique_ptr<ZipDestination>(new ZipDestination(file, fd, zip64_from));
}

ZipDestination::ZipDestination(fs::path file, int fd, uint64_t zip64_from)
    : file_(std::move(file)),
      partial_(file_.string() + ".partial"),
      entry_(file_.string() + ".entry"),
      fd_(fd),
      stream_([this](std::string_view bytes) { return WriteAll(bytes); }, zip64_from) {}

ZipDestination::~ZipDestination() {
  if (fd_ >= 0) ::close(fd_);
  std::error_code ec;
  fs::remove(entry_, ec);
}

Status ZipDestination::WriteAll(std::string_view bytes) {
  return pixeldex::WriteAll(fd_, bytes, partial_.string());
}

Status ZipDestination::AddFile(const std::string& name, const fs::path& path) {
  uint32_t crc = 0;
  uint64_t size = 0;
  PIXELDEX_RETURN_IF_ERROR(ReadChunks(path, [&](std::string_view bytes) {
    crc = Crc32(crc, bytes);
    size += bytes.size();
    return Status::Ok();
  }));
  PIXELDEX_RETURN_IF_ERROR(stream_.BeginEntry(name, size, crc));
  return ReadChunks(path, [&](std::string_view bytes) { return stream_.Write(bytes); });
}

Status ZipDestination::Place(const std::string& relative, const ContentWriter& write) {
  std::error_code ec;
  fs::remove(entry_, ec);
  Status status = write(entry_.string());
  if (status.ok()) status = AddFile(relative, entry_);
  fs::remove(entry_, ec);
  return status;
}

Status ZipDestination::Finish() {
  PIXELDEX_RETURN_IF_ERROR(stream_.Finish());
  if (::fsync(fd_) != 0) return Status::FromErrno(errno, "cannot fsync " + partial_.string());
  const int closed = ::close(fd_);
  fd_ = -1;
  if (closed != 0) return Status::FromErrno(errno, "cannot close " + partial_.string());
  if (::rename(partial_.c_str(), file_.c_str()) != 0) {
    return Status::FromErrno(errno, "cannot rename " + partial_.string());
  }
  return SyncFolderOf(file_);
}

}  // namespace pixeldex::exporting
