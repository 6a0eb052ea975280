#pragma once
// The in-memory reference of C-FIND matching over a case-file fixture: walks
// the fixture tree and applies the library's constraint model and in-memory
// evaluator (constraint_matcher.h) to each entity of the query level. The
// SQL path must produce the same matches.

#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/query/find_options.h"
#include "catalog/query/query_types.h"
#include "tests/query/case_file.h"

namespace pixeldex::query::testing {

// The unique keys (labels) of the matching entities, in fixture order.
Result<std::vector<std::string>> ReferenceFind(const std::vector<FixtureEntity>& fixture,
                                               const FindRequest& request,
                                               const FindOptions& options);

}  // namespace pixeldex::query::testing
