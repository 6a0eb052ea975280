#include "catalog/index/statement_cache.h"

#include <algorithm>

#include "catalog/index/sqlite_native.h"

namespace pixeldex::index {

Result<Statement> StatementCache::Take(Db& db, std::string_view sql) {
  const auto kept = std::find_if(kept_.rbegin(), kept_.rend(),
                                 [sql](const auto& entry) { return entry.first == sql; });
  if (kept == kept_.rend()) return db.Prepare(sql);
  Statement statement = std::move(kept->second);
  kept_.erase(std::next(kept).base());
  return statement;
}

void StatementCache::Give(std::string sql, Statement statement) {
  if (capacity_ == 0) return;
  statement.Reset();
  if (kept_.size() == capacity_) kept_.erase(kept_.begin());
  kept_.emplace_back(std::move(sql), std::move(statement));
}

bool StatementCache::Keeps(const sqlite3_stmt* statement) const {
  return std::any_of(kept_.begin(), kept_.end(), [statement](const auto& entry) {
    return NativeHandle(entry.second) == statement;
  });
}

}  // namespace pixeldex::index
