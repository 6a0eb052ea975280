#pragma once
// Protected studies (`pixeldex protect`, the table protected_studies): studies
// no rule and no user may delete while they are listed. Retention and
// recycling never select them (recycler.h); `pixeldex delete` and DICOMweb
// DELETE look them up here and refuse (README "Retention and recycling").
// A study may be protected before it is stored. The same on a SQLite and a
// PostgreSQL index: listed through the index writer (IndexWriter::Protect,
// Unprotect), read here through ArchiveReads (catalog/index/retention_reads.h).
// Stateless.

#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/index/archive_reads.h"

namespace pixeldex::reconcile {

struct StudyProtection {
  std::string study_instance_uid;
  std::string protected_at;  // ISO 8601 UTC
  std::string reason;        // "" when none was given
};

// The protections of those of `study_uids` that are protected, in the order
// given (each once).
Result<std::vector<StudyProtection>> ProtectionsOf(index::ArchiveReads& reads,
                                                   const std::vector<std::string>& study_uids);

// "study 1.2.3 is protected since 2026-12-05T10:00:00.000Z (court case);
// 'pixeldex unprotect' it first": what a refused delete answers.
std::string RefusalMessage(const StudyProtection& protection);

}  // namespace pixeldex::reconcile
