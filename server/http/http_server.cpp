#include "server/http/http_server.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>

#include "catalog/common/exception_boundary.h"
#include "catalog/common/log.h"

namespace pixeldex::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// What every connection shares with the server.
struct Shared {
  HttpRoutes routes;
  HttpServerOptions options;
  std::atomic<int> connections{0};
};

// One connection: reads requests one at a time and answers each, until the
// peer closes, a request is bad, or the timeout passes.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Shared& shared) : stream_(std::move(socket)), shared_(shared) {
    ++shared_.connections;
  }
  ~Connection() { --shared_.connections; }

  void ReadRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(shared_.options.max_header_bytes));
    parser_->body_limit(0);  // GET and HEAD carry no body
    stream_.expires_after(shared_.options.request_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted) {
      Close();
      return;
    }
    if (ec == http::error::header_limit || ec == http::error::body_limit) {
      Send(http::status::payload_too_large, "request too large\n", false, false);
      return;
    }
    if (ec) {
      LogDebug("http: bad request: {}", ec.message());
      Send(http::status::bad_request, "bad request\n", false, false);
      return;
    }
    const auto& request = parser_->get();
    const bool head = request.method() == http::verb::head;
    const bool keep_alive = request.keep_alive();
    if (request.method() != http::verb::get && !head) {
      Send(http::status::method_not_allowed, "only GET and HEAD\n", false, keep_alive);
      return;
    }
    const std::string target(request.target());
    auto route = shared_.routes.find(target.substr(0, target.find('?')));
    if (route == shared_.routes.end()) {
      Send(http::status::not_found, "not found\n", head, keep_alive);
      return;
    }
    HttpResponse answer;
    try {
      answer = route->second();
    } catch (const std::exception& e) {  // e.g. out of memory: answer, do not die
      LogError("http: {} failed: {}", target, e.what());
      answer = {500, "text/plain; charset=utf-8", "internal error\n"};
    }
    Send(static_cast<http::status>(answer.status), std::move(answer.body), head, keep_alive,
         answer.content_type);
  }

  void Send(http::status status, std::string body, bool head, bool keep_alive,
            const std::string& content_type = "text/plain; charset=utf-8") {
    response_ = {};
    response_.result(status);
    response_.version(11);
    response_.set(http::field::server, "pixeldex");
    response_.set(http::field::content_type, content_type);
    response_.set(http::field::cache_control, "no-store");
    if (status == http::status::method_not_allowed) response_.set(http::field::allow, "GET, HEAD");
    response_.keep_alive(keep_alive);
    // RFC 9110 9.3.2: HEAD gets the headers GET would, without the content.
    response_.content_length(body.size());
    if (!head) response_.body() = std::move(body);
    stream_.expires_after(shared_.options.request_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        if (ec || !keep_alive) {
                          self->Close();
                          return;
                        }
                        self->ReadRequest();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Shared& shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  http::response<http::string_body> response_;
};

}  // namespace

struct HttpServer::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer retry{io};
  Shared shared;
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
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        // E.g. out of file descriptors: try again shortly rather than spin.
        LogWarning("http: accept failed: {}", ec.message());
        retry.expires_after(std::chrono::milliseconds(100));
        retry.async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec) Accept();
        });
        return;
      }
      if (shared.connections.load() >= shared.options.max_connections) {
        LogWarning("http: connection from {} refused: {} connections open",
                   socket.remote_endpoint(ec).address().to_string(),
                   shared.options.max_connections);
        socket.close(ec);
      } else {
        std::make_shared<Connection>(std::move(socket), shared)->ReadRequest();
      }
      Accept();
    });
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ListenAddress& address,
                                                      HttpRoutes routes,
                                                      HttpServerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->shared.routes = std::move(routes);
  impl->shared.options = options;
  beast::error_code ec;
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
  impl->Accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::string HttpServer::BoundAddress() const { return impl_->bound_address; }

void HttpServer::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace pixeldex::server
