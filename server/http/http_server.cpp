#include "server/http/http_server.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>
#include <thread>

#include "catalog/common/cached_thread_pool.h"
#include "catalog/common/exception_boundary.h"
#include "catalog/common/log.h"
#include "server/http/access_log.h"

namespace pixeldex::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// What every connection shares with the server; connections keep it alive.
struct Shared {
  HttpHandler handler;
  HttpServerOptions options;
  std::atomic<int> connections{0};
  std::atomic<int> running{0};  // handlers running on the pool
  std::unique_ptr<CachedThreadPool> pool = std::make_unique<CachedThreadPool>();
};

HttpRequest ToRequest(const http::request<http::string_body>& message) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers[name] = std::string(field.value());
  }
  request.body = message.body();
  return request;
}

// One connection (Stream: beast::tcp_stream, or an ssl_stream over one):
// reads requests one at a time and answers each, until the peer closes, a
// request is bad, or the timeout passes.
template <typename Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  Connection(Stream stream, std::shared_ptr<Shared> shared)
      : stream_(std::move(stream)), shared_(std::move(shared)), deadline_(stream_.get_executor()) {
    ++shared_->connections;
  }
  ~Connection() { --shared_->connections; }

  void Start() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(shared_->options.request_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                beast::get_lowest_layer(self->stream_).expires_never();
                                if (ec) {
                                  LogDebug("http: TLS handshake failed: {}", ec.message());
                                  self->Close();
                                  return;
                                }
                                self->ReadRequest();
                              });
    } else {
      ReadRequest();
    }
  }

 private:
  void ReadRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(shared_->options.max_header_bytes));
    parser_->body_limit(shared_->options.max_body_bytes);  // narrowed per method in ReadBody
    received_at_ = std::chrono::steady_clock::now();
    timed_out_ = false;
    // Our own deadline rather than the stream's: a stream timeout closes the
    // socket, and a late request deserves its 408.
    deadline_.expires_after(shared_->options.request_timeout);
    deadline_.async_wait([weak = this->weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      self->timed_out_ = true;
      beast::get_lowest_layer(self->stream_).socket().cancel(ec);
    });
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) {
                                self->OnRead(ec);
                                return;
                              }
                              self->ReadBody();
                            });
  }

  // Only methods that carry content may send a body (RFC 9110 9.3.1: a GET
  // body has no meaning), and then at most max_body_bytes.
  void ReadBody() {
    const http::verb method = parser_->get().method();
    const bool takes_body = method == http::verb::post || method == http::verb::put;
    const uint64_t limit = takes_body ? shared_->options.max_body_bytes : 0;
    // The parser compares Content-Length with its limit while reading the
    // head, before the method is known: compare here; chunks are counted as
    // they arrive.
    if (parser_->content_length().value_or(0) > limit || (parser_->chunked() && limit == 0)) {
      OnRead(http::error::body_limit);
      return;
    }
    parser_->body_limit(limit);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       self->OnRead(ec);
                     });
  }

  void OnRead(beast::error_code ec) {
    deadline_.cancel();
    HttpRequest seen;
    seen.received_at = received_at_;
    if (timed_out_) {
      // RFC 9110 15.5.9: 408 when a request started but did not complete.
      if (buffer_.size() > 0 || parser_->got_some()) Reject(seen, 408, "request timeout");
      else Close();
      return;
    }
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == asio::ssl::error::stream_truncated || ec == asio::error::connection_reset) {
      Close();
      return;
    }
    if (ec == http::error::header_limit || ec == http::error::body_limit) {
      Reject(seen, 413, "request too large");  // RFC 9110 15.5.14
      return;
    }
    if (ec) {
      LogDebug("http: bad request: {}", ec.message());
      Reject(seen, 400, "bad request");
      return;
    }
    HttpRequest request = ToRequest(parser_->get());
    request.received_at = received_at_;
    const bool head = request.method == "HEAD";
    const bool keep_alive = parser_->get().keep_alive();
    if (shared_->running.fetch_add(1) >= shared_->options.max_concurrent_requests) {
      --shared_->running;
      HttpResponse busy = HttpResponse::Text(429, "too many requests");
      busy.AddHeader("Retry-After", "1");
      LogHttpRequest(request, busy, "");
      Send(std::move(busy), head, keep_alive);
      return;
    }
    auto self = this->shared_from_this();
    auto run = [self, request = std::move(request), head, keep_alive] {
      HttpResponse response;
      try {
        response = self->shared_->handler(request);
      } catch (const std::exception& e) {
        LogError("http: {} failed: {}", request.method, e.what());
        response = HttpResponse::Text(500, "internal error");
      } catch (...) {  // not a std::exception: still this request's failure alone
        LogError("http: {} failed: an exception of unknown type", request.method);
        response = HttpResponse::Text(500, "internal error");
      }
      --self->shared_->running;
      asio::post(self->stream_.get_executor(),
                 [self, response = std::move(response), head, keep_alive]() mutable {
                   self->Send(std::move(response), head, keep_alive);
                 });
    };
    try {
      shared_->pool->Submit(std::move(run));
    } catch (const std::system_error& e) {  // no thread could be started
      --shared_->running;
      LogError("http: cannot run a handler: {}", e.what());
      Send(HttpResponse::Text(503, "busy"), head, false);
    }
  }

  // A response the server makes itself; the connection closes after it.
  void Reject(HttpRequest& seen, unsigned status, const std::string& reason) {
    HttpResponse response = HttpResponse::Text(status, reason);
    seen.method = "-";
    seen.target = "-";
    LogHttpRequest(seen, response, "");
    Send(std::move(response), false, false);
  }

  void Send(HttpResponse answer, bool head, bool keep_alive) {
    response_ = {};
    response_.result(static_cast<http::status>(answer.status));
    response_.version(11);
    response_.set(http::field::server, "pixeldex");
    response_.set(http::field::content_type, answer.content_type);
    for (const auto& [name, value] : answer.headers) response_.insert(name, value);
    // Nothing is kept by caches unless the handler says otherwise.
    if (response_.find(http::field::cache_control) == response_.end()) {
      response_.set(http::field::cache_control, "no-store");
    }
    response_.keep_alive(keep_alive);
    // RFC 9110 9.3.2: HEAD gets the headers GET would, without the content.
    response_.content_length(answer.body.size());
    if (!head) response_.body() = std::move(answer.body);
    beast::get_lowest_layer(stream_).expires_after(shared_->options.request_timeout);
    http::async_write(stream_, response_,
                      [self = this->shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        beast::get_lowest_layer(self->stream_).expires_never();
                        if (ec || !keep_alive) {
                          self->Close();
                          return;
                        }
                        self->ReadRequest();
                      });
  }

  void Close() {
    beast::error_code ignored;
    auto& lowest = beast::get_lowest_layer(stream_);
    lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest.close();
  }

  Stream stream_;
  std::shared_ptr<Shared> shared_;
  asio::steady_timer deadline_;
  bool timed_out_ = false;
  std::chrono::steady_clock::time_point received_at_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
};

}  // namespace

struct HttpServer::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer retry{io};
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
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
      if (shared->connections.load() >= shared->options.max_connections) {
        LogWarning("http: connection from {} refused: {} connections open",
                   socket.remote_endpoint(ec).address().to_string(),
                   shared->options.max_connections);
        socket.close(ec);
      } else if (shared->options.tls) {
        using TlsStream = beast::ssl_stream<beast::tcp_stream>;
        std::make_shared<Connection<TlsStream>>(
            TlsStream(beast::tcp_stream(std::move(socket)), *shared->options.tls), shared)
            ->Start();
      } else {
        std::make_shared<Connection<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)),
                                                        shared)
            ->Start();
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
  auto impl = std::make_unique<Impl>();
  impl->shared->handler = std::move(handler);
  impl->shared->options = std::move(options);
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
  // Waits for the handlers running; their answers are dropped with the io.
  impl_->shared->pool.reset();
}

}  // namespace pixeldex::server
