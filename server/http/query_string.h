#pragma once
// The query of a request target (RFC 3986 3.4) as name/value pairs in order,
// percent-decoded (RFC 3986 2.1). "+" stays "+": DICOMweb clients encode a
// space as %20. Stateless.

#include <string>
#include <utility>
#include <vector>

#include "catalog/common/result.h"

namespace pixeldex::server {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x%20y&flag" -> {{"a","1"},{"b","x y"},{"flag",""}}. InvalidArgument
// for a malformed escape ("%4", "%zz") or an escaped NUL.
Result<QueryParams> ParseQueryString(const std::string& query);

// The values of a list such as "1,3,5" (empty ones kept): "" -> {""}.
std::vector<std::string> SplitValues(const std::string& text, char separator = ',');

// Percent-decodes one path segment or value; InvalidArgument when malformed.
Result<std::string> PercentDecode(const std::string& text);

}  // namespace pixeldex::server
