#include "server/web/web_context.h"

namespace pixeldex::server {

HttpResponse JsonAnswer(unsigned status, const nlohmann::json& body) {
  HttpResponse response{status, "application/json",
                        body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  response.AddHeader("Cache-Control", "no-store");
  return response;
}

HttpResponse JsonError(unsigned status, const std::string& message) {
  return JsonAnswer(status, {{"error", message}});
}

}  // namespace pixeldex::server
