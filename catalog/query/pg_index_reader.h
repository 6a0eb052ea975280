#pragma once
// PgIndexReader: the IndexReader (index_reader.h) of the PostgreSQL index:
// the planner writes PostgresDialect, and each plan runs in its own
// read-only transaction through a PgRowCursor (pg_row_cursor.h), its
// parameters bound as libpq text parameters (PgParamsOf). Owns one
// connection (pg_connection.h: reconnects by itself after a loss). One
// thread at a time.

#include <memory>
#include <string_view>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/index/postgres/pg_connection.h"
#include "catalog/query/index_reader.h"

namespace pixeldex::query {

// The plan's parameters in libpq's text format, in placeholder order.
std::vector<index::postgres::PgParam> PgParamsOf(const SqlPlan& plan);

class PgIndexReader final : public IndexReader {
 public:
  // Connects (PgConnection::Open's errors).
  static Result<std::unique_ptr<PgIndexReader>> Open(std::string_view uri);

  const SqlDialect& dialect() const override;
  Result<std::unique_ptr<index::RowCursor>> Open(const SqlPlan& plan,
                                                 const ReadWatch& watch) override;

 private:
  explicit PgIndexReader(index::postgres::PgConnection conn) : conn_(std::move(conn)) {}

  index::postgres::PgConnection conn_;
};

}  // namespace pixeldex::query
