#pragma once
// The reads of retention, recycling, study protection and the archive size
// check (catalog/reconcile: recycler.h, study_protection.h, archive_size.h),
// written once here and run on either backend through ArchiveReads::ForEachRow
// (archive_reads.h), so that they work on the SQLite file and on PostgreSQL
// alike. Stateless; the ArchiveReads is the caller's.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/index/archive_reads.h"

namespace pixeldex::index {

// A row of protected_studies.
struct ProtectionRow {
  std::string protected_at;  // ISO 8601 UTC
  std::string reason;        // "" when none was given
};

Result<std::optional<ProtectionRow>> ProtectionOf(ArchiveReads& reads,
                                                  const std::string& study_instance_uid);

// The bytes of every stored file the index lists (the sum of size_bytes).
Result<int64_t> ArchiveBytes(ArchiveReads& reads);

// A study retention or recycling may remove.
struct StudyAge {
  std::string study_instance_uid;
  int64_t bytes = 0;
  std::string last_received;  // the latest received_at of its instances
};

// Calls `fn` with every study not in protected_studies, oldest last
// reception first, until `fn` answers false.
Status ForEachUnprotectedStudyOldestFirst(ArchiveReads& reads,
                                          const std::function<bool(const StudyAge&)>& fn);

// The SOP Instance UID of each instance of a study, in the order they were
// cataloged.
Result<std::vector<std::string>> InstancesOfStudy(ArchiveReads& reads,
                                                  const std::string& study_instance_uid);

// The size of the rows up to the one with the largest instance_pk.
struct SizeMark {
  int64_t bytes = 0;
  int64_t last_pk = 0;   // the largest instance_pk counted (0: none)
  std::string last_row;  // that row's identity: "<SOP Instance UID>|<received_at>"
};
// The whole table.
Result<SizeMark> SizeOfAll(ArchiveReads& reads);
// The rows added after `since`: their bytes, the new last row; and
// `since_row_now`, the identity the row `since.last_pk` has now ("" when
// deleted), in one snapshot.
struct SizeGrowth {
  std::string since_row_now;
  SizeMark added;
};
Result<SizeGrowth> SizeAddedSince(ArchiveReads& reads, const SizeMark& since);

}  // namespace pixeldex::index
