#include "catalog/index/lock_order.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <string_view>
#include <tuple>

namespace pixeldex::index {
namespace {

// True when two jobs of order[begin, end) write the same instance.
bool WritesAnInstanceTwice(const std::vector<std::optional<RowLockKey>>& keys,
                           const std::vector<size_t>& order, size_t begin, size_t end) {
  std::set<std::string_view> seen;
  for (size_t i = begin; i < end; ++i) {
    const std::string& uid = keys[order[i]]->sop_instance_uid;
    if (!uid.empty() && !seen.insert(uid).second) return true;
  }
  return false;
}

// The first level (0 patient, 1 study, 2 series; 3 none) whose row differs
// between `a` and `b`. An anonymous patient is its study's own row.
int FirstDifferentLevel(const RowLockKey& a, const RowLockKey& b) {
  const bool same_patient =
      a.patient_id == b.patient_id && a.issuer_of_patient_id == b.issuer_of_patient_id &&
      (!a.patient_id.empty() || a.study_instance_uid == b.study_instance_uid);
  if (!same_patient) return 0;
  if (a.study_instance_uid != b.study_instance_uid) return 1;
  return a.series_instance_uid != b.series_instance_uid ? 2 : 3;
}

// The levels from `first` to the series, most significant first.
std::vector<EntityLevel> LevelsFrom(int first) {
  std::vector<EntityLevel> levels;
  for (int level = first; level <= 2; ++level) levels.push_back(static_cast<EntityLevel>(level));
  return levels;
}

}  // namespace

RowLockKey RowLockKeyOf(const InstanceRecord& r) {
  return RowLockKey{r.patient.patient_id, r.patient.issuer_of_patient_id,
                    r.study.study_instance_uid, r.series.series_instance_uid,
                    r.instance.sop_instance_uid};
}

ReplacedRowLocks ReplacedRowLocksOf(const RowLockKey& old_rows,
                                    const std::optional<RowLockKey>& new_rows) {
  if (!new_rows) return {LevelsFrom(0), {}};
  const int first = FirstDifferentLevel(old_rows, *new_rows);
  if (first == 3) return {};
  // The tails differ at `first`, so the keys without the instance order
  // every row of one tail before every row of the other.
  auto parents = [](const RowLockKey& k) {
    return std::tie(k.patient_id, k.issuer_of_patient_id, k.study_instance_uid,
                    k.series_instance_uid);
  };
  if (parents(old_rows) < parents(*new_rows)) return {LevelsFrom(0), {}};
  return {{}, LevelsFrom(first)};
}

std::vector<size_t> LockOrder(const std::vector<std::optional<RowLockKey>>& keys) {
  std::vector<size_t> order(keys.size());
  std::iota(order.begin(), order.end(), size_t{0});
  size_t begin = 0;
  while (begin < keys.size()) {
    if (!keys[begin]) {
      ++begin;
      continue;
    }
    size_t end = begin;
    while (end < keys.size() && keys[end]) ++end;
    if (!WritesAnInstanceTwice(keys, order, begin, end)) {
      std::stable_sort(order.begin() + begin, order.begin() + end,
                       [&](size_t a, size_t b) { return *keys[a] < *keys[b]; });
    }
    begin = end;
  }
  return order;
}

}  // namespace pixeldex::index
