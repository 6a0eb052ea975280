#include "catalog/query/pg_index_reader.h"

#include <charconv>

#include "catalog/index/postgres/pg_row_cursor.h"
#include "catalog/query/postgres_dialect.h"

namespace pixeldex::query {

using index::postgres::PgParam;

std::vector<PgParam> PgParamsOf(const SqlPlan& plan) {
  std::vector<PgParam> params;
  params.reserve(plan.params.size());
  for (const SqlParam& p : plan.params) {
    switch (p.type) {
      case SqlParam::Type::kText:
        params.push_back(PgParam::Text(p.text));
        break;
      case SqlParam::Type::kReal: {
        // The shortest text that reads back as the same double.
        char text[32];
        const auto end = std::to_chars(text, text + sizeof(text), p.real).ptr;
        params.push_back(PgParam::Text(std::string(text, end)));
        break;
      }
      case SqlParam::Type::kInteger:
        params.push_back(PgParam::Int(p.integer));
        break;
    }
  }
  return params;
}

PgIndexReader::~PgIndexReader() {
  if (conn_.Idle()) pool_->Put(std::move(conn_));
}

Result<std::unique_ptr<IndexReader>> PgReaderPool::Acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      index::postgres::PgConnection conn = std::move(idle_.back());  // the most recent
      idle_.pop_back();
      return std::unique_ptr<IndexReader>(new PgIndexReader(std::move(conn), this));
    }
  }
  auto conn = index::postgres::PgConnection::Open(uri_);
  if (!conn.ok()) return conn.status();
  {
    std::lock_guard lock(mutex_);
    ++opened_;
  }
  return std::unique_ptr<IndexReader>(new PgIndexReader(std::move(conn).value(), this));
}

void PgReaderPool::Put(index::postgres::PgConnection conn) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

size_t PgReaderPool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

size_t PgReaderPool::opened() const {
  std::lock_guard lock(mutex_);
  return opened_;
}

index::postgres::PgRowCursor::Planning PlanningOf(const SqlPlan& plan) {
  using Planning = index::postgres::PgRowCursor::Planning;
  return plan.windowed ? Planning::kAllRows : Planning::kFirstRows;
}

const SqlDialect& PgIndexReader::dialect() const { return PostgresDialect::Instance(); }

Result<std::unique_ptr<index::RowCursor>> PgIndexReader::Open(const SqlPlan& plan,
                                                              const ReadWatch& watch) {
  const std::vector<PgParam> params = PgParamsOf(plan);
  auto cursor =
      index::postgres::PgRowCursor::Open(conn_, plan.sql, params, watch.timeout, PlanningOf(plan));
  if (!cursor.ok()) return cursor.status();
  return std::unique_ptr<index::RowCursor>(std::move(cursor).value());
}

}  // namespace pixeldex::query
