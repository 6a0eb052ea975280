#pragma once
// A PS3.4 C.2.2.2.4 wildcard pattern ('*' any run, '?' one character, every
// other character literal) as an SQL LIKE pattern for ESCAPE '\': '*' -> '%',
// '?' -> '_', and literal '%', '_', '\' escaped. The same text serves SQLite
// and PostgreSQL (sqlite_dialect.h, postgres_dialect.h). A pure function.

#include <string>
#include <string_view>

namespace pixeldex::query {

std::string ToLikePattern(std::string_view dicom_pattern);

}  // namespace pixeldex::query
