#pragma once
// HttpServer: a small HTTP/1.1 server for operational endpoints (/healthz,
// /metrics), built on Boost.Beast and running on its own thread. It serves
// GET and HEAD only (other methods get 405 with an Allow header, unknown
// paths 404), reads at most max_header_bytes of request head and no body
// (413 otherwise), gives each request request_timeout to arrive and be
// answered, and keeps at most max_connections open (more are closed at once).
// Handlers run on the server's thread, one at a time; they must be quick.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "catalog/common/result.h"
#include "server/http/listen_address.h"

namespace pixeldex::server {

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Exact request paths (the query string is ignored) and what answers them.
using HttpRoutes = std::map<std::string, std::function<HttpResponse()>>;

struct HttpServerOptions {
  std::chrono::milliseconds request_timeout{10000};
  size_t max_header_bytes = 8192;
  int max_connections = 32;
};

class HttpServer {
 public:
  // Binds `address` (port 0 picks a free port) and starts serving `routes`.
  static Result<std::unique_ptr<HttpServer>> Start(const ListenAddress& address, HttpRoutes routes,
                                                   HttpServerOptions options = {});
  // Stops serving (see Stop()).
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound address, e.g. "127.0.0.1:40123" ("[::1]:40123" for IPv6).
  std::string BoundAddress() const;
  // Stops answering and joins the server's thread; idempotent. Open
  // connections are closed when the server is destroyed.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pixeldex::server
