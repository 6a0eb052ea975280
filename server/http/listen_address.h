#pragma once
// "ADDR:PORT" as given to `serve --http` and the http.listen key: an IPv4
// address, a bracketed IPv6 address ("[::1]:8080") or an empty address (all
// interfaces), then a port from 0 (any free port) to 65535.

#include <string>

#include "catalog/common/result.h"

namespace pixeldex::server {

struct ListenAddress {
  std::string host;  // numeric address, without brackets; "0.0.0.0" when empty
  int port = 0;
};

// InvalidArgument says what was wrong with `text`.
Result<ListenAddress> ParseListenAddress(const std::string& text);

}  // namespace pixeldex::server
