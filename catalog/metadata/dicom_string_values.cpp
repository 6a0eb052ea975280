#include "catalog/metadata/dicom_string_values.h"

namespace pixeldex::metadata {

const StringValueRule* StringValueRuleOf(DcmEVR ident) {
  switch (ident) {
    case EVR_AE:
    case EVR_CS:
    case EVR_DS:
    case EVR_IS:
    case EVR_LO:
    case EVR_SH:
      return &kPaddedBothEnds;
    case EVR_DT:
    case EVR_UC:
      return &kPaddedAtEnd;
    case EVR_DA:
    case EVR_TM:
      return &kDateOrTime;
    case EVR_UI:
      return &kUid;
    case EVR_AS:
      return &kAgeString;
    case EVR_LT:
    case EVR_ST:
    case EVR_UT:
    case EVR_UR:
      return &kText;
    case EVR_PN:
      return &kPersonName;
    default:
      return nullptr;
  }
}

bool HasNoValue(std::string_view text, const StringValueRule& rule) {
  return text.find_first_not_of(rule.insignificant) == std::string_view::npos;
}

// A port of normalizeString (dcmdata/libsrc/dcbytstr.cc) for one value.
std::string_view WithoutPadding(std::string_view value, const StringValueRule& rule) {
  if (rule.trim_leading) {
    std::size_t begin = 0;
    while (begin < value.size() && value[begin] == rule.padding) ++begin;
    value.remove_prefix(begin);
  }
  if (rule.trim_trailing && !value.empty()) {
    // DCMTK stops at the first character and keeps it unless it is a space,
    // whatever the padding (so " " stays, and a UID "\0\0" keeps one NUL).
    std::size_t last = value.size() - 1;
    while (last > 0 && value[last] == rule.padding) --last;
    if (last != value.size() - 1) value = value.substr(0, value[last] == ' ' ? last : last + 1);
  }
  return value;
}

std::string JoinedValues(std::string_view text, const StringValueRule& rule) {
  std::string joined;
  joined.reserve(text.size());
  ForEachValue(text, rule, [&](std::string_view value, bool first) {
    if (!first) joined.push_back('\\');
    joined.append(value);
  });
  return joined;
}

}  // namespace pixeldex::metadata
