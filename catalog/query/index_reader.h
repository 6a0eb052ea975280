#pragma once
// IndexReader: one read-only connection to the index as C-FIND and QIDO-RS
// read it, whichever database holds the index (issue 18): the SQL dialect
// the planner writes for it (sql_dialect.h) and a RowCursor
// (catalog/index/row_cursor.h) over a plan's rows, the plan's values bound
// as parameters. SqliteIndexReader reads a SQLite connection prepared for
// reading (index::PrepareForReading); PgIndexReader (pg_index_reader.h) a
// PostgreSQL one.
//
// One thread at a time, one cursor at a time; a cursor ends before the
// connection it reads (the reader's own, or the Db a SqliteIndexReader
// borrows).

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "catalog/common/result.h"
#include "catalog/index/reader_pool.h"
#include "catalog/index/row_cursor.h"
#include "catalog/query/sql_dialect.h"
#include "catalog/query/sql_plan.h"

namespace pixeldex::query {

// What bounds a read, as far as each database can.
struct ReadWatch {
  // Asked every few microseconds of SQLite's work (its progress handler);
  // true interrupts the statement (its step fails). May be empty.
  std::function<bool()> interrupt;
  // The longest one statement may run, where the database bounds it itself
  // (PostgreSQL's statement_timeout); 0: no limit.
  std::chrono::milliseconds timeout{0};
};

class IndexReader {
 public:
  virtual ~IndexReader() = default;

  virtual const SqlDialect& dialect() const = 0;
  // A cursor over the rows of `plan` (written in dialect()).
  virtual Result<std::unique_ptr<index::RowCursor>> Open(const SqlPlan& plan,
                                                         const ReadWatch& watch) = 0;
};

// Ok when the instances table can be read through `reader` (the health
// check, /healthz): the reader's errors otherwise.
Status CheckReadable(IndexReader& reader);

class SqliteIndexReader final : public IndexReader {
 public:
  // Reads `db`, which outlives this reader.
  explicit SqliteIndexReader(index::Db& db) : db_(&db) {}
  // Reads a pooled connection, given back to its pool with this reader;
  // its statements are kept on the connection between uses.
  explicit SqliteIndexReader(index::PooledReader lease)
      : lease_(std::move(lease)), db_(&lease_->db()) {}

  const SqlDialect& dialect() const override;
  Result<std::unique_ptr<index::RowCursor>> Open(const SqlPlan& plan,
                                                 const ReadWatch& watch) override;

 private:
  std::optional<index::PooledReader> lease_;
  index::Db* db_;
};

}  // namespace pixeldex::query
