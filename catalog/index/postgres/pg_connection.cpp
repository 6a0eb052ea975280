#include "catalog/index/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <optional>
#include <vector>

#include "catalog/common/log.h"
#include "catalog/index/postgres/pg_error.h"
#include "catalog/index/postgres/pg_uri.h"

namespace pixeldex::index::postgres {
namespace {

// Seconds libpq waits for a server that does not answer (libpq 34.1.2,
// connect_timeout; without one it waits for ever). A URI may set its own.
constexpr const char* kConnectTimeoutSeconds = "10";

// NOTICEs ("relation already exists, skipping") go to the debug log instead
// of libpq's default, stderr (libpq 34.13 "Notice Processing").
void LogNotice(void* /*arg*/, const char* message) {
  Log(LogLevel::kDebug, "postgresql: {}", std::string_view(message));
}

// The parameter arrays libpq takes (34.3.1, PQexecParams and
// PQexecPrepared), pointing into `params`, which must outlive them.
struct BoundParams {
  explicit BoundParams(std::span<const PgParam> params) {
    for (const PgParam& p : params) {
      values.push_back(p.value ? p.value->data() : nullptr);
      lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
      formats.push_back(static_cast<int>(p.format));
    }
  }
  int count() const { return static_cast<int>(values.size()); }
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
};

bool IsSuccess(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

}  // namespace

void PgConnection::Finish::operator()(pg_conn* conn) const { PQfinish(conn); }

PgConnection::PgConnection(std::unique_ptr<pg_conn, Finish> conn, std::string redacted_uri)
    : conn_(std::move(conn)), redacted_uri_(std::move(redacted_uri)) {}

PgConnection::~PgConnection() = default;

Result<PgConnection> PgConnection::Open(std::string_view uri) {
  std::string redacted = RedactUri(uri);
  if (!IsPostgresUri(uri)) {
    return Status::InvalidArgument("not a postgresql:// URI: " + redacted);
  }
  // libpq 34.1 PQconnectdbParams with expand_dbname: the URI in `dbname` is
  // expanded in place, so its parameters override the defaults before it.
  const std::string uri_text(uri);
  const char* keywords[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {kConnectTimeoutSeconds, "pixeldex", uri_text.c_str(), nullptr};
  std::unique_ptr<pg_conn, Finish> conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (conn == nullptr || PQstatus(conn.get()) != CONNECTION_OK) {
    return UnavailableError(conn.get(), redacted);
  }
  PQsetNoticeProcessor(conn.get(), LogNotice, nullptr);
  return PgConnection(std::move(conn), std::move(redacted));
}

Status PgConnection::EnsureConnected() {
  if (PQstatus(conn_.get()) == CONNECTION_OK) return Status::Ok();
  PQreset(conn_.get());
  prepared_.clear();  // a new session has no prepared statements
  if (PQstatus(conn_.get()) != CONNECTION_OK) return UnavailableError(conn_.get(), redacted_uri_);
  ++sessions_;
  Log(LogLevel::kInfo, "postgresql: reconnected to {}", redacted_uri_);
  return Status::Ok();
}

Status PgConnection::Failed(const pg_result* result, std::string_view what) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state != nullptr) last_failed_sqlstate_ = state;
  return StatementError(result, conn_.get(), what);
}

Result<PgRows> PgConnection::Exec(std::string_view sql, std::span<const PgParam> params) {
  PIXELDEX_RETURN_IF_ERROR(EnsureConnected());
  const BoundParams bound(params);
  // libpq 34.3.1: parameter types left to the server (paramTypes NULL), text
  // results (resultFormat 0); lengths matter for binary parameters only.
  const std::string text(sql);
  PgRows rows(PQexecParams(conn_.get(), text.c_str(), bound.count(), nullptr, bound.values.data(),
                           bound.lengths.data(), bound.formats.data(), 0));
  const PGresult* result = rows.get();
  if (result == nullptr || !IsSuccess(result)) return Failed(result, "statement");
  return rows;
}

Result<PgRows> PgConnection::ExecPrepared(const std::string& sql,
                                          std::span<const PgParam> params) {
  PIXELDEX_RETURN_IF_ERROR(EnsureConnected());
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    // libpq 34.3.1 PQprepare: the parameter types inferred by the server.
    std::string name = "pixeldex_" + std::to_string(prepared_.size() + 1);
    PgRows made(PQprepare(conn_.get(), name.c_str(), sql.c_str(), 0, nullptr));
    if (made.get() == nullptr || !IsSuccess(made.get())) return Failed(made.get(), "prepare");
    found = prepared_.emplace(sql, std::move(name)).first;
  }
  const BoundParams bound(params);
  PgRows rows(PQexecPrepared(conn_.get(), found->second.c_str(), bound.count(),
                             bound.values.data(), bound.lengths.data(), bound.formats.data(), 0));
  const PGresult* result = rows.get();
  if (result == nullptr || !IsSuccess(result)) return Failed(result, "statement");
  return rows;
}

Status PgConnection::ExecScript(std::string_view sql) {
  PIXELDEX_RETURN_IF_ERROR(EnsureConnected());
  const std::string text(sql);
  PgRows rows(PQexec(conn_.get(), text.c_str()));
  const PGresult* result = rows.get();
  if (result == nullptr || !IsSuccess(result)) return Failed(result, "script");
  return Status::Ok();
}

Status PgConnection::Transaction(const std::function<Status(PgConnection&)>& body,
                                 std::string_view begin) {
  PIXELDEX_RETURN_IF_ERROR(Exec(begin).status());
  const uint64_t session = sessions_;
  Status status = body(*this);
  if (status.ok() && sessions_ != session) {
    return Status::IoError("database unavailable: the connection was lost during a transaction");
  }
  if (!status.ok()) {
    // A lost connection took the transaction with it; otherwise end it.
    if (sessions_ == session && PQstatus(conn_.get()) == CONNECTION_OK) {
      (void)Exec("ROLLBACK");  // failing anyway, with body's reason
    }
    return status;
  }
  // libpq 34.2 PQtransactionStatus: a COMMIT outside a transaction (body
  // ended it) would succeed with a warning; refuse to call that a commit.
  if (PQtransactionStatus(conn_.get()) != PQTRANS_INTRANS) {
    (void)Exec("ROLLBACK");  // ends a failed transaction (PQTRANS_INERROR); no-op otherwise
    return Status::Internal("transaction ended before its commit");
  }
  return Exec("COMMIT").status();
}

bool PgConnection::Idle() const {
  // libpq 34.2 PQtransactionStatus: PQTRANS_IDLE, connected and no
  // transaction open.
  return PQstatus(conn_.get()) == CONNECTION_OK && PQtransactionStatus(conn_.get()) == PQTRANS_IDLE;
}

Status PgConnection::StreamReadOnly(std::string_view sql, std::span<const PgParam> params,
                                    const std::function<Status(const PgRows&)>& each) {
  return Transaction([&](PgConnection& conn) { return conn.StreamRows(sql, params, each); },
                     "BEGIN READ ONLY");
}

Status PgConnection::StreamRows(std::string_view sql, std::span<const PgParam> params,
                                const std::function<Status(const PgRows&)>& each) {
  const BoundParams bound(params);
  const std::string text(sql);
  if (PQsendQueryParams(conn_.get(), text.c_str(), bound.count(), nullptr, bound.values.data(),
                        bound.lengths.data(), bound.formats.data(), 0) != 1) {
    return Failed(nullptr, "statement");
  }
  // Right after sending, before the first result (libpq 34.6).
  const bool single_rows = PQsetSingleRowMode(conn_.get()) == 1;
  Status status;
  // Every result is read, also after a failure: the connection takes the
  // next command only once PQgetResult has answered null.
  while (PGresult* raw = PQgetResult(conn_.get())) {
    PgRows rows(raw);
    if (!status.ok()) continue;
    const ExecStatusType kind = PQresultStatus(raw);
    if (kind == PGRES_SINGLE_TUPLE || kind == PGRES_TUPLES_OK) {
      status = each(rows);
      if (!status.ok() && kind == PGRES_SINGLE_TUPLE) CancelStatement();
    } else if (kind != PGRES_COMMAND_OK) {
      status = Failed(raw, "statement");
    }
  }
  if (status.ok() && !single_rows) return Status::Internal("libpq refused single-row mode");
  return status;
}

void PgConnection::CancelStatement() {
  // libpq 34.7 "Canceling Queries in Progress": a request on a connection of
  // its own; the statement then ends with SQLSTATE 57014, read and dropped.
  PGcancel* cancel = PQgetCancel(conn_.get());
  if (cancel == nullptr) return;
  char error[256];
  (void)PQcancel(cancel, error, sizeof error);  // if it fails, the result is read to its end
  PQfreeCancel(cancel);
}

Result<std::string> PgConnection::QuoteIdentifier(std::string_view name) {
  char* quoted = PQescapeIdentifier(conn_.get(), name.data(), name.size());
  if (quoted == nullptr) {
    return Status::InvalidArgument("not an identifier: " +
                                   std::string(PQerrorMessage(conn_.get())));
  }
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

}  // namespace pixeldex::index::postgres
