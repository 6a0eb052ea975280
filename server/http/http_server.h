#pragma once
// HttpServer: a small HTTP/1.1 server built on Boost.Beast, plain or over TLS
// (Asio SSL, OpenSSL), accepting and reading on its own thread. Every
// complete request goes to one handler (a RequestPipeline) on a worker
// thread, so a slow search never holds up other connections. Limits, each
// answered as RFC 9110 says:
//   - a request head over max_header_bytes, a body over max_body_bytes
//     (BodyStreaming::max_bytes for a streamed one), or any body on a method
//     other than POST and PUT: 413 Content Too Large, connection closed
//   - more than max_concurrent_requests handlers running: 429 Too Many
//     Requests with Retry-After (RFC 6585 4)
//   - a request not complete within request_timeout: 408 Request Timeout
//     when part of it arrived; a connection that sent nothing is closed
//   - more than max_connections open connections: closed at once
// Handlers must be thread-safe.

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "catalog/common/result.h"
#include "server/http/http_message.h"
#include "server/http/listen_address.h"

namespace pixeldex::server {

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Request bodies read as they arrive by their handler rather than before
// it runs: those of POST and PUT requests whose target `applies` to
// (STOW-RS), up to `max_bytes` instead of max_body_bytes. The handler runs
// once the head is read and reads the body through
// HttpRequest::body_stream (request_body_stream.h), the server reading
// ahead a bounded amount; the request timeout counts from the last bytes
// received, not from the start, and not while the handler has not taken
// what was read ahead, so a large upload over a slow link, or to a slow
// disk, is not cut off while it progresses. A body that is over the limit,
// times out, is malformed or is cut off ends the handler's Read with an
// error, and the handler answers; a connection whose body was not read to
// its end is closed after the answer.
struct BodyStreaming {
  std::function<bool(const std::string& target)> applies;
  uint64_t max_bytes = 0;
};

struct HttpServerOptions {
  std::chrono::milliseconds request_timeout{10000};
  size_t max_header_bytes = 8192;
  size_t max_body_bytes = 0;  // for POST and PUT (STOW-RS); other methods take none
  int max_connections = 32;
  int max_concurrent_requests = 16;
  // Non-null: every connection speaks TLS with this context (http_tls.h).
  std::shared_ptr<boost::asio::ssl::context> tls;
};

class HttpServer {
 public:
  // Binds `address` (port 0 picks a free port) and starts serving.
  static Result<std::unique_ptr<HttpServer>> Start(const ListenAddress& address,
                                                   HttpHandler handler,
                                                   HttpServerOptions options = {});
  // Binds `address` without serving: a busy port is reported now, and
  // connections wait in the kernel's backlog until Serve().
  static Result<std::unique_ptr<HttpServer>> Bind(const ListenAddress& address,
                                                  HttpServerOptions options = {});
  // Starts answering with `handler`, once, on a server from Bind(); with
  // `streaming`, the bodies it applies to are read by their handler.
  void Serve(HttpHandler handler, BodyStreaming streaming = {});
  // Stops serving (see Stop()).
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound address, e.g. "127.0.0.1:40123" ("[::1]:40123" for IPv6).
  std::string BoundAddress() const;
  // Stops answering and joins the server's thread, after the handlers
  // running finish; idempotent.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pixeldex::server
