#pragma once
// POST /api/query: the web page's SQL console. Runs one statement through
// the same read-only engine as `pixeldex query` (index::ReadOnlyQuery: the
// index opened read-only, an authorizer that allows only reads; on a
// PostgreSQL index RunPgUserQuery: one statement in a read-only transaction,
// writes refused with the same message), with a time limit
// (kSqlConsoleTimeLimit; a runaway query is interrupted and does not hold up
// ingest, which never waits for readers in WAL mode, or PostgreSQL's
// statement_timeout) and a row limit. On PostgreSQL the whole result is
// fetched before the row limit applies (as `pixeldex query` fetches it).
//   request   Content-Type: application/json, {"sql": "...", "max_rows": N}
//             (max_rows optional, at most kSqlConsoleMaxRows; other types: 415, which
//             also keeps plain cross-site form posts out)
//   200       {"columns": [...], "rows": [[...], ...], "truncated": bool}
//             values as JSON: integers and reals as numbers, text as
//             strings, NULL as null, a BLOB as {"blob": bytes} plus
//             "png": base64 when it is a PNG (thumbnails show as images)
//   400       {"error": "..."}: SQL error, a refusal (read-only), the time limit
//   503       {"error": "..."}: the index cannot be read
// GET /api/index: {"database": "sqlite"} or {"database": "postgresql"}, the
// SQL the console speaks (the activity page writes its time arithmetic in it).
// RouteAccess::kRead. Thread-safe: each request opens its own connection.

#include <chrono>
#include <memory>

#include "server/http/router.h"
#include "server/web/web_context.h"

namespace pixeldex::server {

inline constexpr std::chrono::milliseconds kSqlConsoleTimeLimit{5000};
inline constexpr int kSqlConsoleMaxRows = 10000;
inline constexpr int kSqlConsoleDefaultRows = 1000;

// Adds POST /api/query and GET /api/index.
void AddSqlConsoleRoute(Router& router, std::shared_ptr<const WebContext> context);

}  // namespace pixeldex::server
