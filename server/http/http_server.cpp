#include "server/http/http_server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "catalog/common/exception_boundary.h"
#include "catalog/common/log.h"
#include "server/http/http_server_shared.h"

namespace pixeldex::server {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

void HttpServerShared::Track(const std::shared_ptr<RequestBodyStream>& body) {
  std::lock_guard lock(bodies_mutex);
  std::erase_if(bodies, [](const auto& weak) { return weak.expired(); });
  bodies.push_back(body);
}

void HttpServerShared::EndBodies() {
  std::lock_guard lock(bodies_mutex);
  for (const auto& weak : bodies) {
    if (auto body = weak.lock()) body->End(BodyFailure::kClosed, "the server is stopping");
  }
}

struct HttpServer::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer retry{io};
  std::shared_ptr<HttpServerShared> shared = std::make_shared<HttpServerShared>();
  std::thread thread;
  std::string bound_address;
  bool stopped = false;

  // The HTTP thread's catch boundary: what escapes a completion handler
  // (anything a route throws that is not a std::exception, or the
  // connection's own code) is logged and ends that handler's connection
  // only; the loop runs on (asio allows run() again after an exception).
  void Run() {
    for (;;) {
      const Status unexpected = CatchUnexpected("http", [this] { io.run(); });
      if (unexpected.ok()) return;  // stopped
      LogError("{}; the connection is closed", unexpected.message());
    }
  }

  void Accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        // E.g. out of file descriptors: try again shortly rather than spin.
        LogWarning("http: accept failed: {}", ec.message());
        retry.expires_after(std::chrono::milliseconds(100));
        retry.async_wait([this](boost::system::error_code wait_ec) {
          if (!wait_ec) Accept();
        });
        return;
      }
      if (shared->connections.load() >= shared->options.max_connections) {
        const std::string peer = socket.remote_endpoint(ec).address().to_string();
        LogWarning({{"peer", peer}, {"outcome", "refused"}},
                   "http: connection from {} refused: {} connections open", peer,
                   shared->options.max_connections);
        socket.close(ec);
      } else if (shared->options.tls) {
        ServeTlsConnection(std::move(socket), shared);
      } else {
        ServePlainConnection(std::move(socket), shared);
      }
      Accept();
    });
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ListenAddress& address,
                                                      HttpHandler handler,
                                                      HttpServerOptions options) {
  auto server = Bind(address, std::move(options));
  if (server.ok()) (*server)->Serve(std::move(handler));
  return server;
}

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(const ListenAddress& address,
                                                     HttpServerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->shared->options = std::move(options);
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address.host, ec);
  if (ec) return Status::InvalidArgument("http: bad address " + address.host);
  const tcp::endpoint endpoint(ip, static_cast<unsigned short>(address.port));
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IoError("http: cannot listen on " + address.host + ":" +
                           std::to_string(address.port) + ": " + ec.message());
  }
  const tcp::endpoint bound = impl->acceptor.local_endpoint(ec);
  const std::string host = bound.address().to_string();
  impl->bound_address =
      (bound.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(bound.port());
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::Serve(HttpHandler handler, BodyStreaming streaming) {
  impl_->shared->handler = std::move(handler);
  impl_->shared->streaming = std::move(streaming);
  impl_->Accept();
  Impl* raw = impl_.get();
  impl_->thread = std::thread([raw] { raw->Run(); });
}

std::string HttpServer::BoundAddress() const { return impl_->bound_address; }

void HttpServer::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->shared->EndBodies();
  // Waits for the handlers running; their answers are dropped with the io.
  impl_->shared->pool.reset();
}

}  // namespace pixeldex::server
