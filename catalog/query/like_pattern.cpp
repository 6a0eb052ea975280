#include "catalog/query/like_pattern.h"

namespace pixeldex::query {

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
