#pragma once
// Options of the C-FIND engine. Plain struct; every default is documented.

#include <cstddef>
#include <optional>

namespace pixeldex::query {

struct FindOptions {
  // PS3.4 C.2.2.2.1 lets an SCP match PN values "insensitive to some or all
  // aspects of case". true (default): PN single-value and wildcard matching
  // ignore the case of ASCII letters (SQLite NOCASE / LIKE semantics; letters
  // outside ASCII still match case-sensitively). false: PN matches exactly.
  // Every other VR always matches case-sensitively.
  bool pn_case_insensitive = true;
  // Most matches one request may return; 0 = unlimited. When more entities
  // match, the engine stops after this many and reports limit_reached.
  size_t max_results = 0;
  // Most keys one request may carry, counting the keys inside sequence items
  // (Query/Retrieve Level is the request's level, not a key); 0 = unlimited. Each key is a result column of every response, so
  // this bounds the cost of one match. More keys: kResourceExhausted.
  size_t max_keys = 0;
};

// A window on the matches (QIDO-RS offset and limit, PS3.18 8.3.4.4), applied
// inside the SQL: the matches are ordered by the query level's key (the order
// entities entered the index), the first `offset` are skipped and at most
// `limit` returned, and a skipped match costs an index step, not a response.
// Successive windows of one request therefore partition its matches.
struct FindPage {
  size_t offset = 0;
  std::optional<size_t> limit;  // none: every match after offset
};

}  // namespace pixeldex::query
