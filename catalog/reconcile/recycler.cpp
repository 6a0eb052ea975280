#include "catalog/reconcile/recycler.h"

#include <time.h>

#include "catalog/common/clock.h"
#include "catalog/common/log.h"
#include "catalog/index/postgres/archive_reads_of.h"
#include "catalog/index/retention_reads.h"

namespace pixeldex::reconcile {
namespace {

// received_at as the index writes it (ISO 8601 UTC), `days` before `now`.
std::string DaysBefore(std::chrono::system_clock::time_point now, int days) {
  const auto cutoff = now - std::chrono::hours(24) * days;
  timespec ts{};
  ts.tv_sec = std::chrono::system_clock::to_time_t(cutoff);
  return ToIso8601(ts);
}

}  // namespace

Result<std::vector<StudyToRecycle>> SelectStudiesToRecycle(
    const std::string& index_path, const RecyclePolicy& policy,
    std::chrono::system_clock::time_point now, int64_t incoming_bytes) {
  std::vector<StudyToRecycle> out;
  if (policy.max_size_bytes <= 0 && policy.max_age_days <= 0) return out;
  auto reads = index::OpenArchiveReads(index_path);
  if (!reads.ok()) return reads.status();
  auto total = index::ArchiveBytes(**reads);
  if (!total.ok()) return total.status();
  int64_t excess =
      policy.max_size_bytes > 0 ? *total + incoming_bytes - policy.max_size_bytes : 0;
  const std::string cutoff = policy.max_age_days > 0 ? DaysBefore(now, policy.max_age_days) : "";
  PIXELDEX_RETURN_IF_ERROR(index::ForEachUnprotectedStudyOldestFirst(
      **reads, [&](const index::StudyAge& age) {
        StudyToRecycle study{age.study_instance_uid, age.bytes, "", {}};
        if (!cutoff.empty() && age.last_received < cutoff) {
          study.rule = "retention.max_age_days " + std::to_string(policy.max_age_days);
        } else if (excess > 0) {
          study.rule = "storage.max_size_mb " + std::to_string(policy.max_size_bytes >> 20);
        } else {
          return false;  // oldest first: no later study is older, and the rest fits
        }
        excess -= study.bytes;
        out.push_back(std::move(study));
        return true;
      }));
  for (StudyToRecycle& study : out) {
    auto instances = index::InstancesOfStudy(**reads, study.study_instance_uid);
    if (!instances.ok()) return instances.status();
    for (std::string& uid : *instances) study.instances.push_back({std::move(uid)});
  }
  return out;
}

Status RecycleStudy(storage::FileSystem& file_system, const storage::StorageLayout& layout,
                    index::IndexWriter& writer, const StudyToRecycle& study) {
  for (const DeleteTarget& target : study.instances) {
    PIXELDEX_RETURN_IF_ERROR(
        DeleteInstance(file_system, layout, writer, target, "recycling (" + study.rule + ")"));
  }
  return Status::Ok();
}

Result<RecycleReport> Recycle(storage::FileSystem& file_system,
                              const storage::StorageLayout& layout, index::IndexWriter& writer,
                              const std::string& index_path, const RecyclePolicy& policy,
                              std::chrono::system_clock::time_point now, int64_t incoming_bytes,
                              const std::atomic<bool>* cancel, RecycleTurn turn) {
  RecycleReport report;
  if (policy.max_size_bytes <= 0 && policy.max_age_days <= 0) return report;
  // One pass at a time across the processes of the index; the selection
  // is read once the turn is ours, after any other pass has deleted.
  auto turn_held = writer.LockRecycling(turn == RecycleTurn::kWait);
  if (!turn_held.ok()) return turn_held.status();
  if (!*turn_held) {
    LogDebug("recycling: another process is running a pass; this one is skipped");
    report.skipped = true;
    return report;
  }
  auto studies = SelectStudiesToRecycle(index_path, policy, now, incoming_bytes);
  if (!studies.ok()) return studies.status();
  for (const StudyToRecycle& study : *studies) {
    if (cancel != nullptr && cancel->load()) break;
    PIXELDEX_RETURN_IF_ERROR(RecycleStudy(file_system, layout, writer, study));
    LogInfo("recycled study {}: {} instances, {} bytes ({})", study.study_instance_uid,
            study.instances.size(), study.bytes, study.rule);
    ++report.studies;
    report.instances += static_cast<int64_t>(study.instances.size());
    report.bytes += study.bytes;
  }
  return report;
}

}  // namespace pixeldex::reconcile
