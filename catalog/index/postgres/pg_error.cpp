#include "catalog/index/postgres/pg_error.h"

#include <libpq-fe.h>

namespace pixeldex::index::postgres {
namespace {

// libpq's messages end with a newline (and may have several lines).
std::string Trimmed(const char* message) {
  std::string out = message != nullptr ? message : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  for (char& ch : out) {
    if (ch == '\n') ch = ' ';
  }
  return out;
}

}  // namespace

Status::Code CodeOfSqlState(std::string_view sqlstate) {
  using Code = Status::Code;
  const std::string_view error_class = sqlstate.substr(0, 2);
  // Appendix A: class 08 connection exception; 57P01-57P03 the server is
  // shutting down or starting; 40 transaction rollback (40001 serialization
  // failure, 40P01 deadlock detected), which the same work may pass if
  // retried in a new transaction; 53 insufficient resources; 23 integrity constraint
  // violation (23505 unique violation); 22 data exception, 42 syntax error
  // or access rule violation, 25 invalid transaction state (25006 read-only
  // SQL transaction); XX001/XX002 data or index corrupted.
  if (error_class == "08" || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") {
    return Code::kIoError;
  }
  if (error_class == "40") return Code::kAborted;
  if (error_class == "53") return Code::kResourceExhausted;
  if (sqlstate == "23505") return Code::kAlreadyExists;
  if (error_class == "23" || error_class == "22" || error_class == "42" || error_class == "25") {
    return Code::kInvalidArgument;
  }
  if (sqlstate == "XX001" || sqlstate == "XX002") return Code::kCorruption;
  if (error_class == "0A") return Code::kUnsupported;
  return Code::kInternal;
}

Status StatementError(const pg_result* result, const pg_conn* conn, std::string_view what) {
  // libpq 34.3.1 "Main Functions": PQresultErrorField(PG_DIAG_SQLSTATE); a
  // connection in CONNECTION_BAD (34.2 "Connection Status Functions") lost
  // the server, whatever the statement said.
  if (PQstatus(conn) == CONNECTION_BAD) {
    return Status::IoError("database unavailable while " + std::string(what) +
                           ": the connection to the server was lost");
  }
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string message =
      std::string(what) + ": " +
      Trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn));
  const std::string_view sqlstate = state != nullptr ? state : "";
  switch (CodeOfSqlState(sqlstate)) {
    case Status::Code::kIoError:
      return Status::IoError("database unavailable: " + message);
    case Status::Code::kAborted:
      return Status::Aborted(message);
    case Status::Code::kResourceExhausted:
      return Status::ResourceExhausted(message);
    case Status::Code::kAlreadyExists:
      return Status::AlreadyExists(message);
    case Status::Code::kInvalidArgument:
      return Status::InvalidArgument(message);
    case Status::Code::kCorruption:
      return Status::Corruption(message);
    case Status::Code::kUnsupported:
      return Status::Unsupported(message);
    default:
      return Status::Internal(message);
  }
}

Status UnavailableError(const pg_conn* conn, std::string_view redacted_uri) {
  // libpq 34.2: PQerrorMessage says why the connection failed (refused,
  // authentication, unknown database); it never contains the password.
  return Status::IoError("database unavailable at " + std::string(redacted_uri) + ": " +
                         (conn != nullptr ? Trimmed(PQerrorMessage(conn)) : "out of memory"));
}

}  // namespace pixeldex::index::postgres
