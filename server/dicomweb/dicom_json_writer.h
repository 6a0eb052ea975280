#pragma once
// Writes C-FIND engine matches as the DICOM JSON Model (PS3.18 Annex F):
// one object per match, keyed by "GGGGEEEE" in tag order, each attribute
// {"vr": ..., "Value": [...]}:
//   - a zero-length attribute has no "Value" (F.2.5)
//   - PN values become {"Alphabetic", "Ideographic", "Phonetic"} objects,
//     empty groups left out (F.2.2)
//   - IS, DS and the binary numeric VRs are JSON numbers (F.2.3.1); a stored
//     text that is not a valid number stays a string rather than break the JSON
//   - an empty value among several is null (F.2.5)
//   - SQ items are nested objects (F.2.4)
// The engine's C-FIND bookkeeping (Specific Character Set, Query/Retrieve
// Level) is left out: DICOM JSON is always UTF-8. A small writer is enough:
// there is nothing to parse, and the output is one pass over the match.
// Stateless.

#include <span>
#include <string>
#include <vector>

#include "catalog/query/query_types.h"

namespace pixeldex::server {

// Appends the JSON object of one match (or one sequence item) to `out`.
void AppendDicomJsonObject(std::string& out, const std::vector<query::ResponseAttribute>& attributes);
// The same with `extra` merged in (both sorted by tag, no tag in both): the
// server's attributes of a QIDO-RS match without moving the match's.
void AppendDicomJsonObject(std::string& out, std::span<const query::ResponseAttribute> attributes,
                           std::span<const query::ResponseAttribute> extra);

}  // namespace pixeldex::server
