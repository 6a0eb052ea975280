#pragma once
// RunPgUserQuery: `pixeldex query` on a PostgreSQL index. The analyst's SQL
// runs as one statement of a read-only transaction (PgConnection::
// StreamReadOnly: BEGIN READ ONLY; libpq takes one statement only, so
// the SQL cannot end the transaction and write on). A statement that would
// write is refused by the server (SQLSTATE 25006) and reported with the same
// kReadOnlyRefusal as on SQLite (sql_query.h). Least privilege on top is the
// analysts' role of pg_read_only_role.h, which a URI can log in as.
//
// Values reach the RowSink typed as SQLite would have typed them, so that the
// formatters (result_formatter.h) print a result the same on either index:
// integer types (and boolean, as 0/1) as integers, float and numeric as
// reals (a numeric holding a whole int64, e.g. sum(bigint), as an integer),
// bytea as a blob, NULL as NULL, everything else (text, jsonb, dates) as its
// text form. Rows reach the sink as the server sends them (libpq's
// single-row mode), so a sink that stops at a row limit (the web page's SQL
// console) stops the statement there, and no result is held whole.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/common/status.h"
#include "catalog/index/sql_query.h"

namespace pixeldex::index::postgres {

// Connects to `uri` and runs `sql` into `sink`; with a `time_limit` (the web
// page's SQL console) the statement is cancelled once it has run that long
// (statement_timeout). Errors: kIoError "database unavailable", kUnsupported
// starting with kReadOnlyRefusal, kInvalidArgument (SQL error, the server's
// message), TimeLimitPassed's, or the sink's.
Status RunPgUserQuery(std::string_view uri, std::string_view sql, RowSink& sink,
                      std::chrono::milliseconds time_limit = std::chrono::milliseconds{0});
// The same, with `parameters` bound as text to $1, $2, ... in order (values
// from input that must never become SQL text, e.g. UIDs).
Status RunPgUserQuery(std::string_view uri, std::string_view sql,
                      const std::vector<std::string>& parameters, RowSink& sink,
                      std::chrono::milliseconds time_limit = std::chrono::milliseconds{0});

}  // namespace pixeldex::index::postgres
