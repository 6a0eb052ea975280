#include "catalog/export/export_file.h"

#include <system_error>

namespace pixeldex::exporting {
namespace fs = std::filesystem;
namespace {

// Creates each missing directory of `relative_dir` below `root` (each new
// entry fsynced in its parent), refusing symbolic links: content is written
// by path, so no component may lead elsewhere.
Status CreateDirectoriesBelow(storage::FileSystem& file_system, const fs::path& root,
                              const fs::path& relative_dir) {
  fs::path below;
  for (const fs::path& part : relative_dir) {
    const fs::path parent = below;
    below /= part;
    std::error_code ec;
    const fs::file_status status = fs::symlink_status(root / below, ec);
    if (fs::is_symlink(status)) {
      return Status::InvalidArgument("refusing to write through the symbolic link " +
                                     (root / below).string());
    }
    if (fs::is_directory(status)) continue;
    const Status created = file_system.CreateDirectory({root, below});
    if (!created.ok() && created.code() != Status::Code::kAlreadyExists) return created;
    PIXELDEX_RETURN_IF_ERROR(file_system.Sync({root, parent}));
  }
  return Status::Ok();
}

}  // namespace

bool IsExportComplete(const fs::path& root, const std::string& relative) {
  std::error_code ec;
  return fs::is_regular_file(fs::symlink_status(root / relative, ec));
}

Status PlaceExportFile(storage::FileSystem& file_system, const fs::path& root,
                       const std::string& relative, const ContentWriter& write) {
  const fs::path target(relative);
  PIXELDEX_RETURN_IF_ERROR(CreateDirectoriesBelow(file_system, root, target.parent_path()));
  const storage::TreePath partial{root, relative + ".partial"};
  (void)file_system.RemoveFile(partial);  // left by an interrupted run, if any
  Status status = write(partial.Full());
  if (status.ok()) status = file_system.Sync(partial);
  if (status.ok()) status = file_system.Rename(partial, {root, target});
  if (!status.ok()) {
    (void)file_system.RemoveFile(partial);
    return status;
  }
  // The new name is durable once its directory is.
  return file_system.Sync({root, target.parent_path()});
}

}  // namespace pixeldex::exporting
