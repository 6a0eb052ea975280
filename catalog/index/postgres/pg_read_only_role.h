#pragma once
// The read-only role for analysts: a NOLOGIN group role that may connect to
// the index database and SELECT from every table and view of its schema, and
// nothing else (PostgreSQL documentation 22.5 "Predefined Roles" has no such
// per-database role; 5.7 "Privileges" and ALTER DEFAULT PRIVILEGES make one).
// Analysts log in as roles of their own that are members of it:
//   CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE pixeldex_reader;
// Run by an administrator (a role allowed to CREATEROLE and owning the
// tables, e.g. the one pixeldex connects as, or a superuser), after
// MigratePostgresSchema; tables a later migration adds by the owner of the
// `instances` table are readable too (default privileges FOR ROLE that
// owner). Running it again changes nothing. `pixeldex index grant-reader`.

#include <string_view>

#include "catalog/common/status.h"
#include "catalog/index/postgres/pg_connection.h"

namespace pixeldex::index::postgres {

inline constexpr std::string_view kReadOnlyRole = "pixeldex_reader";

// Creates `role` when absent and grants it read access to the index.
Status CreateReadOnlyRole(PgConnection& admin, std::string_view role = kReadOnlyRole);

}  // namespace pixeldex::index::postgres
