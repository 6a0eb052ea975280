#include "catalog/index/sql_flavor.h"

#include <cctype>

namespace pixeldex::index {

std::string SpelledFor(SqlFlavor flavor, std::string sql) {
  if (flavor == SqlFlavor::kSqlite) return sql;
  for (size_t i = 0; i + 1 < sql.size(); ++i) {
    if (sql[i] == '?' && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) sql[i] = '$';
  }
  return sql;
}

}  // namespace pixeldex::index
