#pragma once
// Text both SQL dialects (sqlite_dialect.h, postgres_dialect.h) build their
// pieces with. Pure functions; safe from any thread.

#include <initializer_list>
#include <string>
#include <string_view>

namespace pixeldex::query {

// The parts one after the other.
std::string JoinSql(std::initializer_list<std::string_view> parts);

// A PS3.4 C.2.2.2.4 wildcard pattern ('*' any run, '?' one character, every
// other character literal) as an SQL LIKE pattern for ESCAPE '\': '*' -> '%',
// '?' -> '_', and literal '%', '_', '\' escaped. SQLite and PostgreSQL read
// it alike.
std::string ToLikePattern(std::string_view dicom_pattern);

}  // namespace pixeldex::query
