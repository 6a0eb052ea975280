#pragma once
// CatalogLookup: the questions an import asks the index before doing any
// work on a file, through its own read-only connection (a WAL reader: it
// never blocks the writer, and sees what was committed before each query).
//   - was this file cataloged in place, unchanged since? (path, size, mtime)
//   - which contents are cataloged? (every instance's SHA-256, read once)
// One lookup per thread: a connection is not shared.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/common/result.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::import {

class CatalogLookup {
 public:
  // Opens `index_path` read-only; the file must exist (IndexWriter creates it).
  static Result<CatalogLookup> Open(const std::string& index_path);

  // True when an instance row records `absolute_path` with exactly this size
  // and modification time (ISO 8601 UTC with milliseconds, as the ingest
  // pipeline writes it: catalog/common/clock.h).
  Result<bool> IsCatalogedUnchanged(const std::string& absolute_path, int64_t size_bytes,
                                    const std::string& file_mtime);

  // Calls `fn` with the lowercase hex SHA-256 of every cataloged instance.
  Status ForEachContentHash(const std::function<void(std::string_view)>& fn);

 private:
  explicit CatalogLookup(index::Db db) : db_(std::move(db)) {}

  index::Db db_;  // declared first: outlives the statement
  std::optional<index::Statement> by_path_;
};

}  // namespace pixeldex::import
