#include "server/http/http_message.h"

namespace pixeldex::server {

std::string HttpRequest::Path() const { return target.substr(0, target.find('?')); }

std::string HttpRequest::Query() const {
  const size_t mark = target.find('?');
  return mark == std::string::npos ? std::string() : target.substr(mark + 1);
}

std::string HttpRequest::Header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse HttpResponse::Text(unsigned status, const std::string& reason) {
  return HttpResponse{status, "text/plain; charset=utf-8", reason + "\n"};
}

void HttpResponse::AddWarning(const std::string& text) {
  std::string value = "299 pixeldex \"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) continue;
    if (c == '"' || c == '\\') value += '\\';
    value += c;
  }
  value += '"';
  AddHeader("Warning", std::move(value));
}

}  // namespace pixeldex::server
