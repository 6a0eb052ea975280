#include "catalog/export/export_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace pixeldex::exporting {
namespace fs = std::filesystem;
namespace {

Status SyncPath(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "cannot open " + path.string());
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::FromErrno(err, "cannot fsync " + path.string());
  return Status::Ok();
}

// Creates each missing directory of `relative_dir` below `root`, refusing links.
Status CreateDirectoriesBelow(const fs::path& root, const fs::path& relative_dir) {
  fs::path at = root;
  for (const fs::path& part : relative_dir) {
    at /= part;
    std::error_code ec;
    const fs::file_status status = fs::symlink_status(at, ec);
    if (fs::is_symlink(status)) {
      return Status::InvalidArgument("refusing to write through the symbolic link " + at.string());
    }
    if (fs::is_directory(status)) continue;
    if (!fs::create_directory(at, ec) && ec) {
      return Status::FromErrno(ec.value(), "cannot create " + at.string());
    }
    PIXELDEX_RETURN_IF_ERROR(SyncPath(at.parent_path(), O_RDONLY | O_DIRECTORY));
  }
  return Status::Ok();
}

}  // namespace

bool IsExportComplete(const fs::path& root, const std::string& relative) {
  std::error_code ec;
  return fs::is_regular_file(fs::symlink_status(root / relative, ec));
}

Status PlaceExportFile(const fs::path& root, const std::string& relative,
                       const ContentWriter& write) {
  const fs::path target = root / relative;
  PIXELDEX_RETURN_IF_ERROR(CreateDirectoriesBelow(root, fs::path(relative).parent_path()));
  const fs::path partial = target.string() + ".partial";
  std::error_code ec;
  fs::remove(partial, ec);  // left by an interrupted run
  Status status = write(partial.string());
  if (status.ok()) status = SyncPath(partial, O_RDONLY);
  if (status.ok() && ::rename(partial.c_str(), target.c_str()) != 0) {
    status = Status::FromErrno(errno, "cannot rename " + partial.string());
  }
  if (!status.ok()) {
    fs::remove(partial, ec);
    return status;
  }
  return SyncPath(target.parent_path(), O_RDONLY | O_DIRECTORY);
}

}  // namespace pixeldex::exporting
