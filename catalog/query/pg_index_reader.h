#pragma once
// PgIndexReader: the IndexReader (index_reader.h) of the PostgreSQL index:
// the planner writes PostgresDialect, and each plan runs in its own
// read-only transaction through a PgRowCursor (pg_row_cursor.h), its
// parameters bound as libpq text parameters (PgParamsOf). Holds one
// connection (pg_connection.h: reconnects by itself after a loss). One
// thread at a time.
//
// PgReaderPool keeps up to `max_idle` connections between readers, so that
// an association or a QIDO-RS request does not pay for a new connection
// (TCP, authentication, a new backend process): Acquire hands out a reader
// on an idle connection, or on a new one when none is idle; the reader gives
// its connection back when destroyed, unless it is lost or a transaction is
// still open (then it is closed). Thread-safe; it must outlive its readers.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/index/postgres/pg_connection.h"
#include "catalog/index/postgres/pg_row_cursor.h"
#include "catalog/query/index_reader.h"

namespace pixeldex::query {

// The plan's parameters in libpq's text format, in placeholder order.
std::vector<index::postgres::PgParam> PgParamsOf(const SqlPlan& plan);
// How the plan's cursor is planned: a window for all its rows, any other
// read for its first (PgRowCursor::Planning).
index::postgres::PgRowCursor::Planning PlanningOf(const SqlPlan& plan);

class PgReaderPool;

// Made by PgReaderPool::Acquire.
class PgIndexReader final : public IndexReader {
 public:
  ~PgIndexReader() override;
  PgIndexReader(const PgIndexReader&) = delete;
  PgIndexReader& operator=(const PgIndexReader&) = delete;

  const SqlDialect& dialect() const override;
  Result<std::unique_ptr<index::RowCursor>> Open(const SqlPlan& plan,
                                                 const ReadWatch& watch) override;

 private:
  friend class PgReaderPool;
  PgIndexReader(index::postgres::PgConnection conn, PgReaderPool* pool)
      : conn_(std::move(conn)), pool_(pool) {}

  index::postgres::PgConnection conn_;
  PgReaderPool* pool_;  // gets conn_ back
};

class PgReaderPool {
 public:
  static constexpr size_t kDefaultMaxIdle = 4;

  explicit PgReaderPool(std::string uri, size_t max_idle = kDefaultMaxIdle)
      : uri_(std::move(uri)), max_idle_(max_idle) {}

  // A reader on an idle connection, or on a new one (PgConnection::Open's
  // errors).
  Result<std::unique_ptr<IndexReader>> Acquire();
  // Connections waiting in the pool, and how many were opened in all.
  size_t idle() const;
  size_t opened() const;

 private:
  friend class PgIndexReader;
  void Put(index::postgres::PgConnection conn);

  const std::string uri_;
  const size_t max_idle_;
  mutable std::mutex mutex_;
  std::vector<index::postgres::PgConnection> idle_;
  size_t opened_ = 0;
};

}  // namespace pixeldex::query
