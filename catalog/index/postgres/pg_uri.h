#pragma once
// The PostgreSQL index's address: a libpq connection URI,
// postgresql://USER[:PASSWORD]@HOST:PORT/DB[?key=value&...] (PostgreSQL
// documentation, libpq 34.1.1.2 "Connection URIs"), and its redacted form,
// the only form of it that may reach a log, an error message or a status
// page. Pure functions; safe from any thread.

#include <string>
#include <string_view>

namespace pixeldex::index::postgres {

// Whether `text` is a libpq connection URI (scheme postgresql:// or
// postgres://), as opposed to a file path of the SQLite index.
bool IsPostgresUri(std::string_view text);

// `uri` with every password replaced by "***": the one in the user info
// (USER:PASSWORD@) and every `password=` query parameter. Anything that is
// not a URI is redacted whole (it may be a keyword/value string with a
// password in it).
std::string RedactUri(std::string_view uri);

}  // namespace pixeldex::index::postgres
