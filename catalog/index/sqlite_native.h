#pragma once
// The SQLite C API behind Db and Statement (sqlite_db.h), for the few files
// of catalog/index that must call it directly: the read-only query guard
// (authorizer, limits), the reader pool's reuse check. Nothing outside
// catalog/index includes this header; everything else goes through Db and
// Statement, so that the rest of pixeldex does not depend on SQLite.

#include <sqlite3.h>

#include <string_view>

#include "catalog/common/status.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {

sqlite3* NativeHandle(const Db& db);
sqlite3_stmt* NativeHandle(const Statement& statement);

// Maps a SQLite result code to a Status: SQLITE_FULL/NOMEM/BUSY/INTERRUPT ->
// kResourceExhausted, SQLITE_CONSTRAINT -> kAlreadyExists, ...
Status SqliteStatus(int code, std::string_view message);

}  // namespace pixeldex::index
