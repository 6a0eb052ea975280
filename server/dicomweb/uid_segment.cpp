#include "server/dicomweb/uid_segment.h"

#include <tuple>

namespace pixeldex::server {

Result<std::string> ValidUidSegment(const std::string& segment, const std::string& what) {
  auto refuse = [&] {
    return Status::InvalidArgument(what + " in the URL is not a valid UID (PS3.5 9.1)");
  };
  if (segment.empty() || segment.size() > 64) return refuse();
  size_t component_start = 0;
  for (size_t i = 0; i <= segment.size(); ++i) {
    if (i == segment.size() || segment[i] == '.') {
      const size_t length = i - component_start;
      if (length == 0) return refuse();
      if (length > 1 && segment[component_start] == '0') return refuse();
      component_start = i + 1;
    } else if (segment[i] < '0' || segment[i] > '9') {
      return refuse();
    }
  }
  return segment;
}

Result<index::InstanceScope> ScopeOfPath(const PathParams& params) {
  index::InstanceScope scope;
  const struct {
    const char* param;
    const char* what;
    std::string* uid;
  } segments[] = {{"study", "Study Instance UID", &scope.study},
                  {"series", "Series Instance UID", &scope.series},
                  {"instance", "SOP Instance UID", &scope.sop_instance}};
  for (const auto& segment : segments) {
    auto it = params.find(segment.param);
    if (it == params.end()) continue;
    auto uid = ValidUidSegment(it->second, segment.what);
    if (!uid.ok()) return uid.status();
    *segment.uid = *uid;
  }
  return scope;
}

}  // namespace pixeldex::server
