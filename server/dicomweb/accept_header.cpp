#include "server/dicomweb/accept_header.h"

#include <algorithm>
#include <cctype>

namespace pixeldex::server {

bool AcceptsDicomJson(const std::string& accept) {
  if (accept.empty()) return true;
  size_t start = 0;
  while (start <= accept.size()) {
    size_t end = accept.find(',', start);
    if (end == std::string::npos) end = accept.size();
    std::string range = accept.substr(start, end - start);
    range = range.substr(0, range.find(';'));
    range.erase(std::remove(range.begin(), range.end(), ' '), range.end());
    std::transform(range.begin(), range.end(), range.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (range == "application/dicom+json" || range == "application/json" || range == "*/*" ||
        range == "application/*") {
      return true;
    }
    start = end + 1;
  }
  return false;
}

}  // namespace pixeldex::server
