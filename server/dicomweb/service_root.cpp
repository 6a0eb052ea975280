#include "server/dicomweb/service_root.h"

#include <algorithm>
#include <cctype>

namespace pixeldex::server {

std::string ServiceRoot(const DicomwebContext& context, const HttpRequest& request) {
  const std::string host = request.Header("host");
  const bool plain =
      !host.empty() && host.size() < 256 &&
      std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
      });
  return plain ? context.scheme + "://" + host + "/dicom-web" : std::string();
}

}  // namespace pixeldex::server
