#include "catalog/reconcile/instance_deleter.h"

#include <filesystem>
#include <system_error>

#include "catalog/common/log.h"

namespace pixeldex::reconcile {
namespace fs = std::filesystem;
namespace {

constexpr const char* kDeletingDir = ".deleting";

// The recorded path as a path below the root, or empty when it is outside.
fs::path BelowRoot(const std::string& recorded_path) {
  const fs::path path(recorded_path);
  if (path.is_absolute() || path.empty() || *path.begin() == "..") return {};
  return path;
}

// Steps 2 and 3 for a file already in .deleting/ (or none).
Status FinishDelete(storage::FileSystem& file_system, const storage::StorageLayout& layout,
                    index::IndexWriter& writer, const std::string& sop_instance_uid,
                    bool file_pending, const EventRecord& event) {
  const Status removed = writer.Remove(sop_instance_uid);
  if (!removed.ok() && removed.code() != Status::Code::kNotFound) return removed;
  if (file_pending) {
    const storage::TreePath pending{layout.root(),
                                    storage::StorageLayout::DeletingRelativePath(sop_instance_uid)};
    PIXELDEX_RETURN_IF_ERROR(file_system.RemoveFile(pending));
    PIXELDEX_RETURN_IF_ERROR(file_system.Sync({layout.root(), kDeletingDir}));
  }
  return writer.Record(event);
}

}  // namespace

Status DeleteInstance(storage::FileSystem& file_system, const storage::StorageLayout& layout,
                      index::IndexWriter& writer, const DeleteTarget& target,
                      const std::string& who_and_why) {
  const fs::path below = BelowRoot(target.recorded_path);
  std::error_code ec;
  const bool stored_here = !below.empty() && fs::exists(layout.root() / below, ec);
  if (stored_here) {
    const Status created = file_system.CreateDirectory({layout.root(), kDeletingDir});
    if (!created.ok() && created.code() != Status::Code::kAlreadyExists) return created;
    PIXELDEX_RETURN_IF_ERROR(file_system.Sync({layout.root(), ""}));
    const storage::TreePath pending{layout.root(),
                                    storage::StorageLayout::DeletingRelativePath(
                                        target.sop_instance_uid)};
    PIXELDEX_RETURN_IF_ERROR(file_system.Rename({layout.root(), below}, pending));
    PIXELDEX_RETURN_IF_ERROR(file_system.Sync({layout.root(), kDeletingDir}));
    PIXELDEX_RETURN_IF_ERROR(file_system.Sync({layout.root(), below.parent_path()}));
  }
  EventRecord event;
  event.kind = EventKind::kDeleted;
  event.sop_instance_uid = target.sop_instance_uid;
  event.detail = who_and_why + (below.empty() ? " (file outside the storage root kept: " +
                                                    target.recorded_path + ")"
                                              : "");
  return FinishDelete(file_system, layout, writer, target.sop_instance_uid, stored_here, event);
}

Result<int64_t> FinishInterruptedDeletes(storage::FileSystem& file_system,
                                         const storage::StorageLayout& layout,
                                         index::IndexWriter& writer) {
  int64_t finished = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(layout.DeletingDir(), ec)) {
    const std::string uid =
        storage::StorageLayout::UidOfDeletingName(entry.path().filename().string());
    if (uid.empty()) continue;  // not ours; left for a person
    EventRecord event;
    event.kind = EventKind::kDeleteFinished;
    event.sop_instance_uid = uid;
    event.detail = "an interrupted delete was finished at start-up";
    const Status status = FinishDelete(file_system, layout, writer, uid, true, event);
    if (!status.ok()) return status;
    LogInfo("finished the interrupted delete of {}", uid);
    ++finished;
  }
  return finished;
}

}  // namespace pixeldex::reconcile
