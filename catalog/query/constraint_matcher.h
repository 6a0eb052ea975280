#pragma once
// The in-memory evaluator of the constraint model: decides whether stored
// values match a Constraint exactly as the SQL generator's SQL does. It is the
// reference the SQL path is tested against (case files, differential test).
// Pure functions; safe from any thread.

#include <string_view>

#include "catalog/query/constraint.h"
#include "catalog/query/query_types.h"

namespace pixeldex::query {

// One stored value (already trimmed) against a non-SQ constraint's tests.
// An empty stored value matches nothing but universal matching (PS3.4
// C.2.2.2.1, K.2.2.1.1.1: an unknown value fails to match any key value).
bool MatchesValue(const Constraint& constraint, std::string_view stored);

// A stored attribute (nullptr when absent) against a constraint: universal
// always matches; multi-valued attributes match when one value matches; SQ
// matches when one stored item matches every key of the request item.
bool Matches(const Constraint& constraint, const ResponseAttribute* stored);

// PS3.4 C.2.2.2.5.1: stored date and time against a combined range.
bool MatchesDateTime(const DateTimeRange& range, std::string_view stored_date,
                     std::string_view stored_time);

// DICOM wildcard matching (PS3.4 C.2.2.2.4): '*' any sequence, '?' one
// character (one UTF-8 code point); ASCII case folded when case_insensitive.
bool WildcardMatch(std::string_view pattern, std::string_view text, bool case_insensitive);

}  // namespace pixeldex::query
