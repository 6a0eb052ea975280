#include "catalog/index/lock_order.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <string_view>

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

}  // namespace

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
