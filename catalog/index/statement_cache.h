#pragma once
// StatementCache: the prepared statements of one SQLite connection, kept by
// their SQL text between uses, so that a query of a shape seen before skips
// SQLite's parse and plan: a C-FIND study query's statement took ~190,000
// instructions to prepare and ~22,000 to finalize, more than the rest of a
// one-match query's SQL work (bench/README.md "C-FIND").
//
// Take() hands out a kept statement for the text, or prepares a new one;
// Give() keeps a statement after resetting it (bindings cleared, so it holds
// no read transaction and pins no WAL snapshot), dropping the least recently
// given one beyond `capacity`. A statement is out of the cache while in use,
// so two uses of one text at once get two statements. SQLite re-prepares a
// kept statement itself when the schema changed meanwhile.
//
// Not thread-safe: one per connection, used by the connection's one user at
// a time; every statement in it is finalized before the connection closes
// (declare the cache after the Db it serves).

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {

class StatementCache {
 public:
  static constexpr size_t kDefaultCapacity = 16;

  explicit StatementCache(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  // A statement of `sql` on `db`, ready to bind and step.
  Result<Statement> Take(Db& db, std::string_view sql);
  // Resets `statement`, prepared from `sql`, and keeps it.
  void Give(std::string sql, Statement statement);

  size_t size() const { return kept_.size(); }
  // True when `statement` is one of the kept ones.
  bool Keeps(const sqlite3_stmt* statement) const;

 private:
  const size_t capacity_;
  std::vector<std::pair<std::string, Statement>> kept_;  // least recently given first
};

}  // namespace pixeldex::index
