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

namespace {

void WriteLine(const std::string& method, const std::string& target, unsigned status,
               uint64_t bytes, std::chrono::steady_clock::time_point received_at,
               const std::string& user) {
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - received_at);
  LogInfo({{"method", method},
           {"target", target},
           {"http_status", static_cast<int>(status)},
           {"bytes", bytes},
           {"duration_ms", elapsed.count()},
           {"user", user}},
          "http {} {} {} {} B {} ms user {}", method, target, status, bytes, elapsed.count(),
          user.empty() ? "-" : user);
}

}  // namespace

void LogHttpRequest(const HttpRequest& request, const HttpResponse& response,
                    const std::string& user) {
  WriteLine(request.method, TargetWithoutQueryValues(request.target), response.status,
            response.BodySize(), request.received_at, user);
}

void LogHttpRequestWhenSent(const HttpRequest& request, HttpResponse& response,
                            const std::string& user) {
  if (!response.stream || response.stream->size()) {
    LogHttpRequest(request, response, user);
    return;
  }
  response.on_sent = [method = request.method, target = TargetWithoutQueryValues(request.target),
                      status = response.status, received_at = request.received_at,
                      user](uint64_t bytes) {
    WriteLine(method, target, status, bytes, received_at, user);
  };
}

}  // namespace pixeldex::server
