#include "server/http/listen_address.h"

#include <arpa/inet.h>

#include <charconv>

namespace pixeldex::server {

Result<ListenAddress> ParseListenAddress(const std::string& text) {
  const auto invalid = [&](const std::string& why) {
    return Status::InvalidArgument("expected ADDR:PORT (e.g. 127.0.0.1:8080), got '" + text +
                                   "': " + why);
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return invalid("no port");
  ListenAddress address;
  address.host = text.substr(0, colon);
  if (address.host.size() >= 2 && address.host.front() == '[' && address.host.back() == ']') {
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  if (address.host.empty()) address.host = "0.0.0.0";
  in_addr v4;
  in6_addr v6;
  if (::inet_pton(AF_INET, address.host.c_str(), &v4) != 1 &&
      ::inet_pton(AF_INET6, address.host.c_str(), &v6) != 1) {
    return invalid("not a numeric IP address");
  }
  const std::string port = text.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), address.port);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || address.port < 0 ||
      address.port > 65535) {
    return invalid("port must be 0 to 65535");
  }
  return address;
}

}  // namespace pixeldex::server
