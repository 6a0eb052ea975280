#pragma once
// The "Value" of a PN element in DICOM JSON (PS3.18 F.2.2): one object per
// value with the non-empty component groups as "Alphabetic", "Ideographic"
// and "Phonetic" (PS3.5 6.2.1), null for an empty value. Written exactly as
// DCMTK 3.6.7's DcmPersonName::writeJson does (stored headers were written by
// it): padding spaces around components dropped, empty trailing components
// dropped, a fourth and later component group left out. Pure function; safe
// from any thread.

#include <string>
#include <string_view>

namespace pixeldex::metadata {

// Appends ,"Value":[...] for the PN value `text` (all values, '\'-separated,
// as stored), or nothing when it holds no significant character and no
// second value.
void AppendPersonNameValue(std::string& out, std::string_view text);

}  // namespace pixeldex::metadata
