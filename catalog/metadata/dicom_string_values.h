#pragma once
// The values of a DICOM string element as DCMTK 3.6.7 hands them out
// (DcmByteString::getOFString with normalisation and its overrides per VR,
// DcmByteString::isEmpty), read in place from the stored text: PS3.5 6.2
// padding removed where the VR allows it, '\' separating values (PS3.5 6.4)
// where the VR is multi-valued. The header JSON (dicom_json.h) must keep
// DCMTK's reading, quirks included: a value of one space is kept where only
// trailing spaces go (DA, DT, TM, UC, PN...), a UID of NULs keeps one NUL.
// Pure functions; safe from any thread.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcvr.h>

#include <string>
#include <string_view>

namespace pixeldex::metadata {

struct StringValueRule {
  bool multi_valued;   // '\' separates values (all but LT, ST, UT, UR)
  bool trim_leading;   // leading padding removed (AE, CS, DS, IS, LO, SH)
  bool trim_trailing;  // trailing padding removed (all but AS)
  char padding;        // ' ', NUL for UI
  // An element whose text is made of these characters only has no value
  // (DCMTK's "non-significant characters"; none: only an empty text).
  std::string_view insignificant;
};

// AE CS DS IS LO SH:
inline constexpr StringValueRule kPaddedBothEnds{true, true, true, ' ', " \\"};
inline constexpr StringValueRule kPaddedAtEnd{true, false, true, ' ', " \\"};   // DT UC
inline constexpr StringValueRule kDateOrTime{true, false, true, ' ', "\\"};     // DA TM
inline constexpr StringValueRule kUid{true, false, true, '\0', "\\"};           // UI
inline constexpr StringValueRule kAgeString{true, false, false, ' ', ""};       // AS
inline constexpr StringValueRule kText{false, false, true, ' ', ""};            // LT ST UT UR
inline constexpr StringValueRule kPersonName{true, false, true, ' ', " \\^="};  // PN

// The rule of an element kind (DcmObject::ident()); nullptr for the kinds
// that are not strings (binary values, numbers, AT, SQ).
const StringValueRule* StringValueRuleOf(DcmEVR ident);

// Whether the element's text (trailing padding already removed by DCMTK)
// has no value.
bool HasNoValue(std::string_view text, const StringValueRule& rule);

// One value with its padding removed as DCMTK's normalizeString does.
std::string_view WithoutPadding(std::string_view value, const StringValueRule& rule);

// What DcmElement::getOFStringArray gives: the values joined by '\'.
std::string JoinedValues(std::string_view text, const StringValueRule& rule);

// Calls f(value, first) for each value of `text`, padding removed.
template <typename F>
void ForEachValue(std::string_view text, const StringValueRule& rule, F&& f) {
  if (!rule.multi_valued) {
    f(WithoutPadding(text, rule), true);
    return;
  }
  bool first = true;
  for (;;) {
    const std::size_t end = text.find('\\');
    f(WithoutPadding(text.substr(0, end), rule), first);
    if (end == std::string_view::npos) return;
    text.remove_prefix(end + 1);
    first = false;
  }
}

}  // namespace pixeldex::metadata
