#include "catalog/metadata/dicom_string_values.h"

namespace pixeldex::metadata {

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

}  // namespace pixeldex::metadata
