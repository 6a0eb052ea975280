#include "catalog/index/postgres/pg_read_only_role.h"

#include <string>

namespace pixeldex::index::postgres {

Status CreateReadOnlyRole(PgConnection& admin, std::string_view role) {
  auto quoted_role = admin.QuoteIdentifier(role);
  if (!quoted_role.ok()) return quoted_role.status();
  return admin.Transaction([&](PgConnection& c) -> Status {
    auto database = c.Exec("SELECT current_database()");
    if (!database.ok()) return database.status();
    auto quoted_database = c.QuoteIdentifier(database->Text(0, 0));
    if (!quoted_database.ok()) return quoted_database.status();
    auto existing =
        c.Exec("SELECT 1 FROM pg_roles WHERE rolname = $1", {PgParam::Text(std::string(role))});
    if (!existing.ok()) return existing.status();
    const std::string& r = *quoted_role;
    // Role and object names cannot be parameters: quoted identifiers
    // (PQescapeIdentifier) instead.
    if (existing->rows() == 0)
      PIXELDEX_RETURN_IF_ERROR(c.ExecScript("CREATE ROLE " + r + " NOLOGIN"));
    // Default privileges hold for the tables one role creates: the owner of
    // the index's tables, whose migrations add the next ones (the admin
    // itself, unless a superuser runs this for it).
    auto owner = c.Exec(
        "SELECT coalesce((SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND "
        "tablename = 'instances'), current_user)");
    if (!owner.ok()) return owner.status();
    auto quoted_owner = c.QuoteIdentifier(owner->Text(0, 0));
    if (!quoted_owner.ok()) return quoted_owner.status();
    return c.ExecScript("GRANT CONNECT ON DATABASE " + *quoted_database + " TO " + r +
                        ";\n"
                        "GRANT USAGE ON SCHEMA public TO " +
                        r + ";\n" + "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + r + ";\n" +
                        "ALTER DEFAULT PRIVILEGES FOR ROLE " + *quoted_owner +
                        " IN SCHEMA public GRANT SELECT ON TABLES TO " + r + ";\n");
  });
}

}  // namespace pixeldex::index::postgres
