#pragma once
// The matching plan of one FindRequest as one SELECT statement: the joins of
// the query level, one condition per non-universal key (sql_constraint.h),
// and one result column per return key, in the SQL of the index's dialect
// (sql_dialect.h). The plan is data; FindCursor (find_engine.h) executes it.
// Values are bound parameters only.

#include <optional>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/query/find_options.h"
#include "catalog/query/query_types.h"
#include "catalog/query/sql_constraint.h"

namespace pixeldex::query {

// How to turn result column k into a response attribute.
struct ReturnColumn {
  enum class Kind {
    kText,    // a single value (typed column or count); NULL = zero length
    kList,    // distinct values joined by a backslash (Modalities/SOP Classes in Study)
    kHeader,  // the DICOM JSON of the attribute from headers.json, or NULL
  };
  Tag tag;
  std::string vr;  // the standard's VR; for kHeader the JSON's vr wins
  Kind kind = Kind::kText;
  // kHeader SQ: the item keys requested (empty: return whole items).
  std::vector<Tag> item_tags;
};

struct SqlPlan {
  std::string sql;
  std::vector<SqlParam> params;
  std::vector<ReturnColumn> columns;  // one per SELECT column, in order
  // A key carried a value the index cannot match on (the counts): it was
  // treated as a return key; the bridge answers FF01 instead of FF00.
  bool unsupported_matching = false;
  // The rows are a window (FindPage): few by construction, and all read.
  bool windowed = false;
};

// With a page, the matches are those of the window (find_options.h FindPage),
// in the order of the level's key; without, every match in SQLite's order.
Result<SqlPlan> BuildSqlPlan(const FindRequest& request, const FindOptions& options,
                             const SqlDialect& dialect,
                             const std::optional<FindPage>& page = std::nullopt);

// The instances below the entities a retrieve request matches (PS3.4
// C.4.2.2.1, C.4.3.2.1): the request's keys are matched at their own levels
// and every instance under a matching entity is selected, with the columns
// sop_class_uid, sop_instance_uid, transfer_syntax_uid, path, in series and
// instance order. Keys must be typed-column keys (retrieve_request.h keeps
// only unique keys); others are InvalidArgument.
Result<SqlPlan> BuildInstanceListPlan(const FindRequest& request, const SqlDialect& dialect);

}  // namespace pixeldex::query
