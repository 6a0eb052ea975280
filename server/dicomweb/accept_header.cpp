#include "server/dicomweb/accept_header.h"

#include <algorithm>
#include <cctype>

namespace pixeldex::server {

bool AcceptsMediaType(const std::string& accept, const std::string& media_type) {
  if (accept.empty()) return true;
  const std::string any_subtype = media_type.substr(0, media_type.find('/')) + "/*";
  size_t start = 0;
  while (start <= accept.size()) {
    size_t end = accept.find(',', start);
    if (end == std::string::npos) end = accept.size();
    std::string range = accept.substr(start, end - start);
    range = range.substr(0, range.find(';'));
    range.erase(std::remove(range.begin(), range.end(), ' '), range.end());
    std::transform(range.begin(), range.end(), range.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (range == media_type || range == "*/*" || range == any_subtype) return true;
    start = end + 1;
  }
  return false;
}

bool AcceptsDicomJson(const std::string& accept) {
  return AcceptsMediaType(accept, "application/dicom+json") ||
         AcceptsMediaType(accept, "application/json");
}

}  // namespace pixeldex::server
