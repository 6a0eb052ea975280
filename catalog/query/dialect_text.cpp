#include "catalog/query/dialect_text.h"

namespace pixeldex::query {

std::string JoinSql(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) out += part;
  return out;
}

std::string ToLikePattern(std::string_view dicom_pattern) {
  std::string out;
  for (char ch : dicom_pattern) {
    if (ch == '*') {
      out += '%';
    } else if (ch == '?') {
      out += '_';
    } else {
      if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
      out += ch;
    }
  }
  return out;
}

}  // namespace pixeldex::query
