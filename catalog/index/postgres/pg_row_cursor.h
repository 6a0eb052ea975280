#pragma once
// PgRowCursor: the RowCursor (row_cursor.h) of a read statement on the
// PostgreSQL index. Open begins a read-only transaction on the connection
// (one snapshot for the whole read, as a SQLite read transaction), bounds
// each statement of it by `timeout` (statement_timeout, PostgreSQL
// documentation 20.11.1), and declares a cursor over the statement with its
// parameters bound (SQL command reference, DECLARE; libpq 34.3.1
// PQexecParams); Step fetches its rows a batch at a time (FETCH FORWARD), so
// a large answer is never held whole. The destructor ends the transaction.
//
// The connection is the cursor's alone while it lives; one thread at a time.
// A connection found lost at the BEGIN (nothing ran yet) is made again and
// the BEGIN tried once more; one lost later fails the next Step (kIoError).

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "catalog/common/result.h"
#include "catalog/index/postgres/pg_connection.h"
#include "catalog/index/row_cursor.h"

namespace pixeldex::index::postgres {

class PgRowCursor final : public RowCursor {
 public:
  // How the statement is planned (cursor_tuple_fraction, PostgreSQL
  // documentation 20.7.4). kFirstRows, a cursor's default, favours a plan
  // that starts early, which suits a read that streams (a C-FIND's
  // matches: its patients by key, where a plan for every row would hash
  // the whole patients table). kAllRows plans it as a plain statement, for
  // a read whose rows are few and all read (a QIDO-RS window, whose plan
  // for the first rows walks the whole studies table in key order to find
  // a month of them: bench/README.md "On PostgreSQL").
  enum class Planning { kFirstRows, kAllRows };

  // `timeout` 0: no limit. The statement's errors (pg_error.h) on failure.
  static Result<std::unique_ptr<PgRowCursor>> Open(PgConnection& conn, std::string_view sql,
                                                   std::span<const PgParam> params,
                                                   std::chrono::milliseconds timeout,
                                                   Planning planning = Planning::kFirstRows);
  ~PgRowCursor() override;
  PgRowCursor(const PgRowCursor&) = delete;
  PgRowCursor& operator=(const PgRowCursor&) = delete;

  Result<bool> Step() override;
  bool IsNull(int col) const override { return rows_->IsNull(row_, col); }
  std::string_view TextView(int col) const override { return rows_->Text(row_, col); }
  // 0 for NULL (and for text that is no integer, which an integer column
  // never holds).
  int64_t Int(int col) const override;
  Result<std::string> Bytes(int col) const override;

 private:
  explicit PgRowCursor(PgConnection& conn) : conn_(conn), session_(conn.sessions()) {}

  PgConnection& conn_;
  uint64_t session_;            // conn_.sessions() when the transaction began
  std::optional<PgRows> rows_;  // the batch fetched last
  int row_ = -1;                // the current row in rows_
  bool last_batch_ = false;     // rows_ holds the cursor's last rows
};

}  // namespace pixeldex::index::postgres
