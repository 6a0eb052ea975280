#include "catalog/query/index_reader.h"

#include "catalog/query/find_engine.h"
#include "catalog/query/sqlite_dialect.h"

namespace pixeldex::query {
namespace {

// SQLite VM instructions between two calls of ReadWatch::interrupt (a few
// microseconds of work).
constexpr int kProgressInstructions = 1000;

}  // namespace

Status CheckReadable(IndexReader& reader) {
  SqlPlan plan;
  plan.sql = "SELECT 1 FROM instances LIMIT 1";
  auto rows = reader.Open(plan, ReadWatch{});
  if (!rows.ok()) return rows.status();
  auto row = (*rows)->Step();
  return row.ok() ? Status::Ok() : row.status();
}

const SqlDialect& SqliteIndexReader::dialect() const { return SqliteDialect::Instance(); }

Result<std::unique_ptr<index::RowCursor>> SqliteIndexReader::Open(const SqlPlan& plan,
                                                                  const ReadWatch& watch) {
  index::StatementCache* cache = lease_ ? &lease_->statements() : nullptr;
  auto statement = PrepareFind(*db_, plan, cache);
  if (!statement.ok()) return statement.status();
  std::unique_ptr<index::ProgressCallback> progress;
  if (watch.interrupt) {
    progress =
        std::make_unique<index::ProgressCallback>(*db_, kProgressInstructions, watch.interrupt);
  }
  if (cache == nullptr) {
    return std::unique_ptr<index::RowCursor>(
        std::make_unique<index::SqliteRowCursor>(std::move(*statement), std::move(progress)));
  }
  return std::unique_ptr<index::RowCursor>(std::make_unique<index::SqliteRowCursor>(
      std::move(*statement), std::move(progress), cache, plan.sql));
}

}  // namespace pixeldex::query
