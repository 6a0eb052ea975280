#include "catalog/reconcile/study_protection.h"

#include <unordered_set>

#include "catalog/common/clock.h"

namespace pixeldex::reconcile {

Status ProtectStudy(const std::string& index_path, const std::string& study_instance_uid,
                    const std::string& reason) {
  auto db = index::Db::Open(index_path, index::Db::Mode::kReadWrite);
  if (!db.ok()) return db.status();
  auto stmt = db->Prepare(
      "INSERT INTO protected_studies (study_instance_uid, protected_at, reason) "
      "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
  if (!stmt.ok()) return stmt.status();
  return stmt->Bind(1, study_instance_uid).Bind(2, NowIso8601()).BindTextOrNull(3, reason).Run();
}

Status UnprotectStudy(const std::string& index_path, const std::string& study_instance_uid) {
  auto db = index::Db::Open(index_path, index::Db::Mode::kReadWrite);
  if (!db.ok()) return db.status();
  auto stmt = db->Prepare("DELETE FROM protected_studies WHERE study_instance_uid = ?1");
  if (!stmt.ok()) return stmt.status();
  return stmt->Bind(1, study_instance_uid).Run();
}

Result<std::vector<StudyProtection>> ProtectionsOf(index::Db& db,
                                                   const std::vector<std::string>& study_uids) {
  auto stmt = db.Prepare(
      "SELECT protected_at, reason FROM protected_studies WHERE study_instance_uid = ?1");
  if (!stmt.ok()) return stmt.status();
  std::vector<StudyProtection> out;
  std::unordered_set<std::string> asked;
  for (const std::string& uid : study_uids) {
    if (!asked.insert(uid).second) continue;
    stmt->Reset();
    stmt->Bind(1, uid);
    if (stmt->Step()) out.push_back({uid, stmt->Text(0), stmt->Text(1)});
    PIXELDEX_RETURN_IF_ERROR(stmt->status());
  }
  return out;
}

std::string RefusalMessage(const StudyProtection& protection) {
  return "study " + protection.study_instance_uid + " is protected since " +
         protection.protected_at +
         (protection.reason.empty() ? "" : " (" + protection.reason + ")") +
         "; 'pixeldex unprotect' it first";
}

}  // namespace pixeldex::reconcile
