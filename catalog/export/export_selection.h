#pragma once
// Selecting the instances of an export (`pixeldex export`): either an SQL
// condition over the view instance_details (the analyst's text, run only
// inside one statement that ReadOnlyQuery checks is read-only) or a list of
// Study, Series or SOP Instance UIDs (each bound as a parameter, never SQL
// text). The rows carry the index columns a manifest lists. Stateless.

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

// Exactly one of `where` (non-empty) and `uids` (non-empty) is used.
// Errors: those of ReadOnlyQuery::Run (a refused or malformed condition).
Result<Selection> SelectByCondition(index::ReadOnlyQuery& query, const std::string& where);
Result<Selection> SelectByUids(index::ReadOnlyQuery& query, const std::vector<std::string>& uids);

// What the commands do (`export`, `delete`): opens the index at `index_path`
// read-only and selects by `where` when it is non-empty, else by `uids`.
Result<Selection> SelectFromIndex(const std::string& index_path, const std::string& where,
                                  const std::vector<std::string>& uids);

}  // namespace pixeldex::exporting
