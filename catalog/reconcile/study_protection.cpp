#include "catalog/reconcile/study_protection.h"

#include <unordered_set>

#include "catalog/index/retention_reads.h"

namespace pixeldex::reconcile {

Result<std::vector<StudyProtection>> ProtectionsOf(index::ArchiveReads& reads,
                                                   const std::vector<std::string>& study_uids) {
  std::vector<StudyProtection> out;
  std::unordered_set<std::string> asked;
  for (const std::string& uid : study_uids) {
    if (!asked.insert(uid).second) continue;
    auto row = index::ProtectionOf(reads, uid);
    if (!row.ok()) return row.status();
    if (*row) out.push_back({uid, (*row)->protected_at, (*row)->reason});
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
