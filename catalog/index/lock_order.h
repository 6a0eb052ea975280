#pragma once
// The order in which the index writer applies one batch's jobs, so that
// writers of one shared database (several pixeldex nodes on one PostgreSQL,
// issue 18) take row locks in one global order and cannot deadlock on each
// other's batches.
//
// An instance write locks its patient, study and series rows, in that order
// (IndexBackend::InsertRows), and holds them until its batch commits. Two
// batches that meet study A and study B in opposite orders wait on each other
// until PostgreSQL aborts one (SQLSTATE 40P01); its retries can meet the same
// again. Applied in the order of RowLockKey, every batch asks for the rows it
// shares with another batch in the same order, so one waits for the other to
// commit instead (the classic cure: a total order on lock acquisition).
//
// The order changes nothing a caller can see: each job keeps its own
// savepoint and result, and jobs whose order matters keep it (below).

#include <compare>
#include <optional>
#include <string>
#include <vector>

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

// A permutation of 0..keys.size()-1: the order to apply the jobs in.
// keys[i] is nullopt for a job whose rows are known only once it runs (a
// removal, a protection): no job moves across it. Between such jobs the
// others are sorted by key, stably; but a stretch where two jobs write the
// same SOP Instance UID keeps its order, since the later one must win.
std::vector<size_t> LockOrder(const std::vector<std::optional<RowLockKey>>& keys);

}  // namespace pixeldex::index
