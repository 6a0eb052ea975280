#pragma once
// HttpServerShared: what an HttpServer (http_server.cpp) and each of its
// connections (http_connection.h) share; connections keep it alive. And the
// two ways an accepted connection is served, plain or over TLS, each
// compiled in a file of its own (http_connection_plain.cpp,
// http_connection_tls.cpp) so that the two stream types' instantiations of
// the connection compile in parallel, and this header carries no Beast.

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <mutex>
#include <vector>

#include "catalog/common/cached_thread_pool.h"
#include "server/http/http_server.h"
#include "server/http/request_body_stream.h"

namespace pixeldex::server {

struct HttpServerShared {
  HttpHandler handler;
  HttpServerOptions options;
  BodyStreaming streaming;
  std::atomic<int> connections{0};
  std::atomic<int> running{0};  // handlers running on the pool
  std::unique_ptr<CachedThreadPool> pool = std::make_unique<CachedThreadPool>();
  // What streamed bodies are read into, reused from one request to the next.
  std::shared_ptr<BodyBufferPool> body_buffers =
      std::make_shared<BodyBufferPool>(kBodyReadBytes, kBodyBuffersHeld);
  // The streamed bodies being read, ended when the server stops (their
  // handlers would otherwise wait for bytes no thread reads).
  std::mutex bodies_mutex;
  std::vector<std::weak_ptr<RequestBodyStream>> bodies;

  void Track(const std::shared_ptr<RequestBodyStream>& body);
  void EndBodies();
};

// Serves an accepted connection until it closes: in plain HTTP, or over TLS
// with shared->options.tls (non-null) after the handshake.
void ServePlainConnection(boost::asio::ip::tcp::socket socket,
                          std::shared_ptr<HttpServerShared> shared);
void ServeTlsConnection(boost::asio::ip::tcp::socket socket,
                        std::shared_ptr<HttpServerShared> shared);

}  // namespace pixeldex::server
