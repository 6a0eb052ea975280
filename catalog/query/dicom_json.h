#pragma once
// Reads one attribute of DICOM JSON (PS3.18 F.2), as stored in headers.json,
// into a ResponseAttribute: strings as they are, numbers in their JSON text,
// PN objects as "Alphabetic=Ideographic=Phonetic" (trailing empty groups
// dropped), SQ items recursively, bulk data (BulkDataURI/InlineBinary) as a
// zero-length value. Parsed with nlohmann/json (the project's one JSON
// library); headers.json is written by pixeldex, so anything malformed is
// reported as Corruption.

#include <string_view>

#include "catalog/common/result.h"
#include "catalog/query/query_types.h"

namespace pixeldex::query {

// `json` is the attribute's object, e.g. {"vr":"PN","Value":[{"Alphabetic":"Doe"}]}.
Result<ResponseAttribute> ParseDicomJsonAttribute(Tag tag, std::string_view json);

// Parses "GGGGEEEE" into a Tag; false when malformed.
bool ParseTagHex(std::string_view hex, Tag* tag);

}  // namespace pixeldex::query
