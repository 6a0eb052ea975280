#pragma once
// The order in which the index writer applies one batch's jobs, so that
// writers of one shared database (several pixeldex nodes on one PostgreSQL,
// issue 18) take row locks in one global order and cannot deadlock on each
// other's batches.
//
// An instance write locks its patient, study and series rows, in that order
// (IndexBackend::UpsertParents), and holds them until its batch commits. Two
// batches that meet study A and study B in opposite orders wait on each other
// until PostgreSQL aborts one (SQLSTATE 40P01); its retries can meet the same
// again. Applied in the order of RowLockKey, every batch asks for the rows it
// shares with another batch in the same order, so one waits for the other to
// commit instead (the classic cure: a total order on lock acquisition).
//
// The order changes nothing a caller can see: each job keeps its own
// savepoint and result, and jobs whose order matters keep it (below).
//
// A store that replaces an instance (and a removal) also locks the old
// instance's rows: deleting its row locks its study (the count trigger),
// deleting its empty parents locks them. ReplacedRowLocksOf says when, so
// that a job takes all of its row locks in the same global order.

#include <compare>
#include <optional>
#include <string>
#include <vector>

#include "catalog/common/attribute_table.h"
#include "catalog/common/instance_record.h"

namespace pixeldex::index {

// The rows an instance write locks, most significant first, and the
// instance itself. History records (associations, events, pruning) lock no
// archive rows: their key is all empty.
struct RowLockKey {
  std::string patient_id;
  std::string issuer_of_patient_id;
  std::string study_instance_uid;
  std::string series_instance_uid;
  std::string sop_instance_uid;

  auto operator<=>(const RowLockKey&) const = default;
};

// The key of the rows `record` is written to.
RowLockKey RowLockKeyOf(const InstanceRecord& record);

// The old instance's parent rows (patient, study, series) a job locks as a
// DELETE of them would, besides those that upserting the new record's
// parents locks, each list most significant first. The rows of a level are
// ordered by the key down to that level (a patient before its studies, and
// an anonymous patient, PS3.3 C.7.1.1, being its study's own, with it).
// - A removal (no new record) locks all three before anything else.
// - A new record with the same patient, study and series upserts them; it
//   needs no other lock.
// - Otherwise, from the first level where the two differ on (the "tails"),
//   the old tail's rows and the new tail's are disjoint: when the old tail
//   precedes the new one, the old rows of all three levels (the shared ones
//   first) are locked before the upsert; else the old tail's after it.
struct ReplacedRowLocks {
  std::vector<EntityLevel> before_upsert;
  std::vector<EntityLevel> after_upsert;
};
ReplacedRowLocks ReplacedRowLocksOf(const RowLockKey& old_rows,
                                    const std::optional<RowLockKey>& new_rows);

// A permutation of 0..keys.size()-1: the order to apply the jobs in.
// keys[i] is nullopt for a job whose rows are known only once it runs (a
// removal, a protection): no job moves across it. Between such jobs the
// others are sorted by key, stably; but a stretch where two jobs write the
// same SOP Instance UID keeps its order, since the later one must win.
std::vector<size_t> LockOrder(const std::vector<std::optional<RowLockKey>>& keys);

}  // namespace pixeldex::index
