#pragma once
// Keywords the case files may use: the attribute catalog's plus a few header
// attributes (PS3.6), and raw "GGGGEEEE:VR" for anything else.

#include <string>
#include <string_view>

#include "catalog/query/query_types.h"

namespace pixeldex::query::testing {

// False when the keyword is unknown and not of the raw form.
bool LookupKeyword(std::string_view keyword, Tag* tag, std::string* vr);
// The keyword of a tag, or "GGGGEEEE" when unknown.
std::string KeywordOf(Tag tag);

}  // namespace pixeldex::query::testing
