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

// Steps 2 and 3 for a file already in .deleting/ (or none); `remove_rows`
// false keeps the rows (they are an instance stored again since).
Status FinishDelete(storage::FileSystem& file_system, const storage::StorageLayout& layout,
                    index::IndexWriter& writer, const std::string& sop_instance_uid,
                    bool file_pending, bool remove_rows, const EventRecord& event) {
  if (remove_rows) {
    const Status removed = writer.Remove(sop_instance_uid);
    if (!removed.ok() && removed.code() != Status::Code::kNotFound) return removed;
  }
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
  // Under the instance's lock (IndexWriter::LockInstance: this process's
  // threads, then every process writing the index), which the ingest
  // pipeline holds while it stores the same UID: the store waits, and the
  // path is the one recorded now.
  auto lock = writer.LockInstance(target.sop_instance_uid);
  if (!lock.ok()) return lock.status();
  auto copy = writer.FindCopy(target.sop_instance_uid);
  if (!copy.ok()) return copy.status();
  if (!copy->has_value()) {
    // Deleted meanwhile by another deleter, whose event records it.
    LogInfo("sop={}: already deleted", target.sop_instance_uid);
    return Status::Ok();
  }
  const std::string& recorded_path = (*copy)->path;
  const fs::path below = BelowRoot(recorded_path);
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
                                                    recorded_path + ")"
                                              : "");
  return FinishDelete(file_system, layout, writer, target.sop_instance_uid, stored_here, true,
                      event);
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
    // A deleter holds the instance's lock from before its rename until after
    // its unlink: once the lock is ours, a file still here was left by one
    // that stopped (perhaps another process, or another node).
    auto lock = writer.LockInstance(uid);
    if (!lock.ok()) return lock.status();
    std::error_code gone;
    if (!fs::exists(entry.path(), gone)) continue;  // finished by its deleter meanwhile
    auto copy = writer.FindCopy(uid);
    if (!copy.ok()) return copy.status();
    // The deleter moved the file away before removing the rows: rows whose
    // file is there are an instance received again since, and stay.
    const bool stored_again =
        copy->has_value() && fs::exists(layout.FileOf((*copy)->path), gone);
    EventRecord event;
    event.kind = EventKind::kDeleteFinished;
    event.sop_instance_uid = uid;
    event.detail = stored_again ? "an interrupted delete was finished at start-up (the instance "
                                  "received again since was kept)"
                                : "an interrupted delete was finished at start-up";
    const Status status =
        FinishDelete(file_system, layout, writer, uid, true, !stored_again, event);
    if (!status.ok()) return status;
    LogInfo("finished the interrupted delete of {}", uid);
    ++finished;
  }
  return finished;
}

}  // namespace pixeldex::reconcile
