#pragma once
// The one place where libpq's errors become Status (STYLE.md: each foreign
// error system is translated once). A statement's error is classified by its
// SQLSTATE (PostgreSQL documentation, Appendix A "PostgreSQL Error Codes");
// a connection that is gone is reported as kIoError whose message starts
// with "database unavailable", which ingest answers with a failure status the
// sender may retry and DICOMweb with 503; a transaction that lost a conflict
// with another one (class 40: deadlock, serialization failure) is kAborted,
// which the index writer retries in a new transaction. Messages name the server by its
// redacted URI only (pg_uri.h). Pure functions; safe from any thread.

#include <string>
#include <string_view>

#include "catalog/common/status.h"

struct pg_conn;
struct pg_result;

namespace pixeldex::index::postgres {

// The Status of a failed statement: `result` may be null (libpq returns no
// result when it runs out of memory or the connection broke before one
// came), `conn` is the connection it ran on, `what` says what was being done.
Status StatementError(const pg_result* result, const pg_conn* conn, std::string_view what);

// The Status of a connection that could not be made or is lost.
Status UnavailableError(const pg_conn* conn, std::string_view redacted_uri);

// The SQLSTATE (five characters) as a Status code.
Status::Code CodeOfSqlState(std::string_view sqlstate);

}  // namespace pixeldex::index::postgres
