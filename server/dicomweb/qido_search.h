#pragma once
// The parameters of a QIDO-RS search (PS3.18 10.6, 8.3.4) turned into the
// C-FIND engine's own request type, so QIDO and C-FIND share one planner and
// one matcher (catalog/query):
//   {attributeID}={value}   a match key; keyword or tag (attribute_id.h);
//                           the value has C-FIND semantics (single value,
//                           * and ? wildcards, DA/TM/DT ranges); a UI value
//                           may list UIDs separated by commas (8.3.4.1)
//   includefield=           more return keys: keywords or tags, separated by
//                           commas or repeated; "all" adds every attribute the
//                           index holds for the level and the levels above
//   limit=, offset=         non-negative integers (8.3.4.4)
//   fuzzymatching=          true or false; not supported, see the service
// Every search returns the attributes PS3.18 10.6.3.3 requires for its
// resource (Tables 10.6.3-3 to -5); the service adds the two the index does
// not hold (Retrieve URL, Instance Availability). Anything else is
// InvalidArgument with a reason (-> 400). Stateless.

#include <optional>
#include <string>

#include "catalog/common/result.h"
#include "catalog/query/query_types.h"
#include "server/http/query_string.h"

namespace pixeldex::server {

// The resource searched: its level and the UIDs of the path, already valid.
struct QidoScope {
  query::QueryLevel level = query::QueryLevel::kStudy;
  std::string study;   // empty when the path names none
  std::string series;  // empty when the path names none
};

struct QidoSearch {
  query::FindRequest request;
  size_t offset = 0;
  std::optional<size_t> limit;
  bool fuzzy_matching = false;  // asked for (and not performed)
};

Result<QidoSearch> ParseQidoSearch(const QidoScope& scope, const QueryParams& params);

}  // namespace pixeldex::server
