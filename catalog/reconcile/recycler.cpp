#include "catalog/reconcile/recycler.h"

#include <time.h>

#include "catalog/common/clock.h"
#include "catalog/common/log.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::reconcile {
namespace {

// received_at as the index writes it (ISO 8601 UTC), `days` before `now`.
std::string DaysBefore(std::chrono::system_clock::time_point now, int days) {
  const auto cutoff = now - std::chrono::hours(24) * days;
  timespec ts{};
  ts.tv_sec = std::chrono::system_clock::to_time_t(cutoff);
  return ToIso8601(ts);
}

// Every unprotected study with its bytes, oldest last reception first.
constexpr const char* kStudiesOldestFirst =
    "SELECT st.study_instance_uid, total(i.size_bytes), max(i.received_at) "
    "FROM studies st JOIN series se ON se.study_pk = st.study_pk "
    "JOIN instances i ON i.series_pk = se.series_pk "
    "WHERE st.study_instance_uid NOT IN (SELECT study_instance_uid FROM protected_studies) "
    "GROUP BY st.study_pk ORDER BY max(i.received_at), st.study_pk";

Status AddInstances(index::Db& db, StudyToRecycle& study) {
  auto stmt = db.Prepare(
      "SELECT i.sop_instance_uid, i.path FROM instances i "
      "JOIN series se ON se.series_pk = i.series_pk JOIN studies st ON st.study_pk = se.study_pk "
      "WHERE st.study_instance_uid = ?1 ORDER BY i.instance_pk");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, study.study_instance_uid);
  while (stmt->Step()) study.instances.push_back({stmt->Text(0), stmt->Text(1)});
  return stmt->status();
}

}  // namespace

Result<int64_t> ArchiveBytes(const std::string& index_path) {
  auto db = index::Db::Open(index_path, index::Db::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  auto stmt = db->Prepare("SELECT CAST(total(size_bytes) AS INTEGER) FROM instances");
  if (!stmt.ok()) return stmt.status();
  if (!stmt->Step()) return db->LastError("summing the archive's bytes");
  return stmt->Int(0);
}

Result<std::vector<StudyToRecycle>> SelectStudiesToRecycle(
    const std::string& index_path, const RecyclePolicy& policy,
    std::chrono::system_clock::time_point now, int64_t incoming_bytes) {
  std::vector<StudyToRecycle> out;
  if (policy.max_size_bytes <= 0 && policy.max_age_days <= 0) return out;
  auto total = ArchiveBytes(index_path);
  if (!total.ok()) return total.status();
  int64_t excess =
      policy.max_size_bytes > 0 ? *total + incoming_bytes - policy.max_size_bytes : 0;
  const std::string cutoff = policy.max_age_days > 0 ? DaysBefore(now, policy.max_age_days) : "";
  auto db = index::Db::Open(index_path, index::Db::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  auto stmt = db->Prepare(kStudiesOldestFirst);
  if (!stmt.ok()) return stmt.status();
  while (stmt->Step()) {
    StudyToRecycle study{stmt->Text(0), stmt->Int(1), "", {}};
    if (!cutoff.empty() && stmt->Text(2) < cutoff) {
      study.rule = "retention.max_age_days " + std::to_string(policy.max_age_days);
    } else if (excess > 0) {
      study.rule = "storage.max_size_mb " + std::to_string(policy.max_size_bytes >> 20);
    } else {
      break;  // oldest first: no later study is older, and the rest fits
    }
    excess -= study.bytes;
    out.push_back(std::move(study));
  }
  PIXELDEX_RETURN_IF_ERROR(stmt->status());
  for (StudyToRecycle& study : out) PIXELDEX_RETURN_IF_ERROR(AddInstances(*db, study));
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
                              const std::atomic<bool>* cancel) {
  auto studies = SelectStudiesToRecycle(index_path, policy, now, incoming_bytes);
  if (!studies.ok()) return studies.status();
  RecycleReport report;
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
