#include "catalog/index/postgres/pg_row_cursor.h"

#include <string>
#include <vector>

namespace pixeldex::index::postgres {
namespace {

// Rows per FETCH: few round trips for a typical answer, a bounded batch in
// memory for a large one.
constexpr int kBatchRows = 256;
constexpr std::string_view kCursorName = "pixeldex_rows";

}  // namespace

Result<std::unique_ptr<PgRowCursor>> PgRowCursor::Open(PgConnection& conn, std::string_view sql,
                                                       std::span<const PgParam> params,
                                                       std::chrono::milliseconds timeout,
                                                       Planning planning) {
  Status began = conn.Exec("BEGIN READ ONLY").status();
  // A kept connection the server dropped meanwhile (a restart) is found
  // lost here, before anything ran: once more, on the connection made again.
  if (began.code() == Status::Code::kIoError) began = conn.Exec("BEGIN READ ONLY").status();
  PIXELDEX_RETURN_IF_ERROR(began);
  // From here the destructor ends the transaction, whatever fails below.
  std::unique_ptr<PgRowCursor> cursor(new PgRowCursor(conn));
  // set_config(..., is_local => true) is SET LOCAL with a bound value: it
  // ends with the transaction (PostgreSQL documentation 9.27.1). The
  // settings in one round trip, none without any.
  std::string settings;
  std::vector<PgParam> values;
  if (timeout.count() > 0) {
    settings = "set_config('statement_timeout', $1, true)";
    values.push_back(PgParam::Text(std::to_string(timeout.count())));
  }
  if (planning == Planning::kAllRows) {
    settings += std::string(settings.empty() ? "" : ", ") +
                "set_config('cursor_tuple_fraction', '1', true)";
  }
  if (!settings.empty()) {
    PIXELDEX_RETURN_IF_ERROR(conn.Exec("SELECT " + settings, values).status());
  }
  // NO SCROLL: read forward once; no WITH HOLD: the cursor ends with the
  // transaction. The parameters are bound to the declared query.
  const std::string declare =
      "DECLARE " + std::string(kCursorName) + " NO SCROLL CURSOR FOR " + std::string(sql);
  PIXELDEX_RETURN_IF_ERROR(conn.Exec(declare, params).status());
  return cursor;
}

PgRowCursor::~PgRowCursor() {
  // A read-only transaction has nothing to keep; a connection lost since it
  // began has none left to end.
  if (conn_.sessions() == session_) (void)conn_.Exec("ROLLBACK");
}

Result<bool> PgRowCursor::Step() {
  if (rows_ && row_ + 1 < rows_->rows()) {
    ++row_;
    return true;
  }
  if (last_batch_) return false;
  static const std::string kFetch =
      "FETCH FORWARD " + std::to_string(kBatchRows) + " FROM " + std::string(kCursorName);
  auto fetched = conn_.Exec(kFetch);
  // A new session has neither the transaction nor the cursor.
  if (conn_.sessions() != session_) {
    return Status::IoError("database unavailable: the connection was lost during a read");
  }
  if (!fetched.ok()) return fetched.status();
  rows_.emplace(std::move(fetched).value());
  row_ = 0;
  last_batch_ = rows_->rows() < kBatchRows;
  return rows_->rows() > 0;
}

int64_t PgRowCursor::Int(int col) const {
  auto value = rows_->Int(row_, col);
  return value.ok() ? *value : 0;
}

Result<std::string> PgRowCursor::Bytes(int col) const {
  if (rows_->IsNull(row_, col)) return std::string();
  return rows_->Bytes(row_, col);
}

}  // namespace pixeldex::index::postgres
