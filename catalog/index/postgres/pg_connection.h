#pragma once
// PgConnection: one libpq connection to the PostgreSQL index, opened from a
// URI postgresql://USER@HOST:PORT/DB (pg_uri.h). Credentials the URI does not
// carry come from where libpq finds them (PostgreSQL documentation, libpq
// 34.15 "Environment Variables": PGPASSWORD, PGUSER...; 34.16 "The Password
// File": ~/.pgpass or PGPASSFILE); the URI is only ever shown redacted.
//
// Every statement runs with bound parameters (PQexecParams, libpq 34.3.1
// "Main Functions"): values never become SQL text. A failed statement
// becomes a Status once (pg_error.h).
//
// Lost connections: when the server went away (restart, network), the
// statement that noticed it fails with kIoError "database unavailable"; it
// is never run again by this class, since it may have committed. Each later
// call first reconnects (PQreset, libpq 34.1 "Database Connection Control
// Functions") and answers "database unavailable" until the server is back;
// then the same object works again. A transaction the loss interrupted is
// gone: Transaction() reports it and never commits half of one.
//
// Move-only; one thread at a time (libpq 34.20 "Behavior in Threaded
// Programs": a PGconn must not be shared by threads at once).

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "catalog/common/result.h"
#include "catalog/index/postgres/pg_rows.h"

struct pg_conn;
struct pg_result;

namespace pixeldex::index::postgres {

class PgConnection {
 public:
  // Connects. kInvalidArgument when `uri` is no postgresql:// URI, kIoError
  // "database unavailable" when the server cannot be reached or refuses the
  // credentials.
  static Result<PgConnection> Open(std::string_view uri);

  PgConnection(PgConnection&&) noexcept = default;
  PgConnection& operator=(PgConnection&&) noexcept = default;
  ~PgConnection();

  // Runs one statement with its parameters ($1, $2, ...) bound.
  Result<PgRows> Exec(std::string_view sql, std::span<const PgParam> params = {});
  Result<PgRows> Exec(std::string_view sql, std::initializer_list<PgParam> params) {
    return Exec(sql, std::span<const PgParam>(params.begin(), params.size()));
  }

  // Runs `sql` (one statement) as a prepared statement of this session
  // (libpq 34.3.1, PQprepare and PQexecPrepared): parsed and planned on its
  // first use only, prepared again after a reconnect, since a new session
  // has none. For the statements a program runs again and again.
  Result<PgRows> ExecPrepared(const std::string& sql, std::span<const PgParam> params = {});
  Result<PgRows> ExecPrepared(const std::string& sql, std::initializer_list<PgParam> params) {
    return ExecPrepared(sql, std::span<const PgParam>(params.begin(), params.size()));
  }

  // Runs SQL text of several statements without parameters, as one implicit
  // transaction unless it says otherwise (libpq 34.3.1, PQexec). Only for
  // text this program wrote: schema migrations.
  Status ExecScript(std::string_view sql);

  // BEGIN (the text of `begin`, e.g. "BEGIN READ ONLY"), `body`, COMMIT when
  // body succeeded, else ROLLBACK and body's Status. kIoError when the
  // connection was lost on the way; then nothing was committed unless the
  // COMMIT itself was cut off, whose outcome nobody can know.
  Status Transaction(const std::function<Status(PgConnection&)>& body,
                     std::string_view begin = "BEGIN");

  // Runs one statement of user SQL (`pixeldex query`) in a read-only
  // transaction (SQL command reference, "SET TRANSACTION": READ ONLY refuses
  // INSERT, UPDATE, DELETE, DDL and more with SQLSTATE 25006, here
  // kInvalidArgument). PQsendQueryParams takes one statement only, so user
  // SQL cannot end the transaction and go on to write ("COMMIT; DELETE ...").
  // The rows reach `each` as the server sends them (libpq
  // 34.6 "Retrieving Query Results Row-by-Row", PQsetSingleRowMode): one
  // PgRows per row, then one without rows (its columns describe an empty
  // result too), so a large result is never held whole. When `each` fails,
  // the statement is cancelled (PQcancel, 34.7), the transaction rolled back
  // and each's Status returned.
  Status StreamReadOnly(std::string_view sql, std::span<const PgParam> params,
                        const std::function<Status(const PgRows&)>& each);

  // `name` quoted as an SQL identifier (libpq 34.3.4, PQescapeIdentifier),
  // for the few names that cannot be parameters (roles).
  Result<std::string> QuoteIdentifier(std::string_view name);

  // The SQLSTATE (PostgreSQL documentation, Appendix A) of the last
  // statement that failed on this connection with a server's answer; empty
  // before any did. For a caller that must tell one error from others of its
  // Status code (e.g. 25006, a write in a read-only transaction).
  const std::string& last_failed_sqlstate() const { return last_failed_sqlstate_; }

  // Connected and outside any transaction: fit for another user.
  bool Idle() const;

  const std::string& redacted_uri() const { return redacted_uri_; }
  // How many times this connection was made again: a caller whose own
  // transaction spans several calls compares it to see the transaction lost.
  uint64_t sessions() const { return sessions_; }

 private:
  struct Finish {
    void operator()(pg_conn* conn) const;
  };
  PgConnection(std::unique_ptr<pg_conn, Finish> conn, std::string redacted_uri);
  // The Status of a failed statement (pg_error.h); notes its SQLSTATE.
  Status Failed(const pg_result* result, std::string_view what);
  // StreamReadOnly's statement, inside its transaction.
  Status StreamRows(std::string_view sql, std::span<const PgParam> params,
                    const std::function<Status(const PgRows&)>& each);
  // Asks the server to stop the statement running on this connection.
  void CancelStatement();
  // Reconnects a connection that was lost; Ok when it is usable.
  Status EnsureConnected();

  std::unique_ptr<pg_conn, Finish> conn_;
  std::string redacted_uri_;
  // Counts reconnects: a transaction whose body saw one has lost its start.
  uint64_t sessions_ = 0;
  std::string last_failed_sqlstate_;
  // The statements ExecPrepared prepared on this session: SQL -> name.
  std::unordered_map<std::string, std::string> prepared_;
};

}  // namespace pixeldex::index::postgres
