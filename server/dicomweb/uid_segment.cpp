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

Result<ResourceUids> ValidResourceUids(const PathParams& params) {
  ResourceUids uids;
  const std::tuple<const char*, const char*, std::string*> segments[] = {
      {"study", "Study Instance UID", &uids.study},
      {"series", "Series Instance UID", &uids.series},
      {"instance", "SOP Instance UID", &uids.instance}};
  for (const auto& [name, what, out] : segments) {
    auto it = params.find(name);
    if (it == params.end()) continue;
    auto uid = ValidUidSegment(it->second, what);
    if (!uid.ok()) return uid.status();
    *out = *uid;
  }
  return uids;
}

}  // namespace pixeldex::server
