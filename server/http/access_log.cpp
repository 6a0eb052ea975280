#include "server/http/access_log.h"

#include "catalog/common/log.h"

namespace pixeldex::server {

std::string TargetWithoutQueryValues(const std::string& target) {
  const size_t mark = target.find('?');
  if (mark == std::string::npos) return target;
  std::string out = target.substr(0, mark + 1);
  bool in_value = false;
  for (size_t i = mark + 1; i < target.size(); ++i) {
    const char c = target[i];
    if (c == '&') {
      in_value = false;
      out += c;
    } else if (c == '=') {
      if (!in_value) out += c;
      in_value = true;
    } else if (!in_value) {
      out += c;
    }
  }
  return out;
}

void LogHttpRequest(const HttpRequest& request, const HttpResponse& response,
                    const std::string& user) {
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - request.received_at);
  const std::string target = TargetWithoutQueryValues(request.target);
  LogInfo({{"method", request.method},
           {"target", target},
           {"http_status", static_cast<int>(response.status)},
           {"bytes", response.BodySize()},
           {"duration_ms", elapsed.count()},
           {"user", user}},
          "http {} {} {} {} B {} ms user {}", request.method, target, response.status,
          response.BodySize(), elapsed.count(), user.empty() ? "-" : user);
}

}  // namespace pixeldex::server
