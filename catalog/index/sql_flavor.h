#pragma once
// The two SQL spellings of the index's statements: SQLite numbers its
// parameters ?1, ?2 (SQLite "Binding Values To Prepared Statements"),
// PostgreSQL $1, $2 (PostgreSQL documentation, 4.2.2 "Positional
// Parameters"). Statements are written once in SQLite's spelling and
// spelled for PostgreSQL here. Pure.

#include <string>

namespace pixeldex::index {

enum class SqlFlavor { kSqlite, kPostgres };

// `sql`, written with SQLite's numbered parameters, in `flavor`'s spelling.
std::string SpelledFor(SqlFlavor flavor, std::string sql);

}  // namespace pixeldex::index
