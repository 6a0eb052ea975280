#pragma once
// Selecting the instances of an export (`pixeldex export`): either an SQL
// condition over the view instance_details (the analyst's text, run only
// inside one statement that ReadOnlyQuery checks is read-only) or a list of
// Study, Series or SOP Instance UIDs (each bound as a parameter, never SQL
// text). The rows carry the index columns a manifest lists. The SQLite file
// or a PostgreSQL index (catalog/index/postgres/pg_user_query.h), the same
// rows either way. Stateless.

#include <functional>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/index/sql_query.h"

namespace pixeldex::exporting {

// The instance_details columns every selected row carries, in this order.
const std::vector<std::string>& SelectedColumns();

// One selected instance: values[i] is SelectedColumns()[i].
struct SelectedInstance {
  std::vector<index::SqlValue> values;
  // The text of a column by name ("" for NULL or an unknown column).
  std::string Text(const std::string& column) const;
};

struct Selection {
  std::vector<SelectedInstance> instances;  // each SOP Instance once, in a stable order
  std::vector<std::string> unmatched_uids;  // UIDs given that selected nothing
};

// Runs one statement of the analyst's kind, checked read-only, with
// `parameters` bound as text to ?1, ?2 (SQLite's spelling) into `sink`.
using UserQuery = std::function<Status(const std::string& sql,
                                       const std::vector<std::string>& parameters,
                                       index::RowSink& sink)>;

// Exactly one of `where` (non-empty) and `uids` (non-empty) is used.
// Errors: the query's (a refused or malformed condition).
Result<Selection> SelectByCondition(const UserQuery& query, const std::string& where);
Result<Selection> SelectByUids(const UserQuery& query, const std::vector<std::string>& uids);

// What the commands do (`export`, `delete`): opens the index storage.index
// names (the SQLite file read-only, or a PostgreSQL URI) and selects by
// `where` when it is non-empty, else by `uids`.
Result<Selection> SelectFromIndex(const std::string& index_location, const std::string& where,
                                  const std::vector<std::string>& uids);

}  // namespace pixeldex::exporting
