#include "server/http/http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

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

// Bytes of a streamed body read and written at a time.
constexpr size_t kChunkBytes = 256 * 1024;
// Bytes of a spooled request body read from the socket at a time.
constexpr size_t kSpoolReadBytes = 1024 * 1024;

// What every connection shares with the server; connections keep it alive.
struct Shared {
  HttpHandler handler;
  HttpServerOptions options;
  BodySpool spool;
  std::atomic<int> connections{0};
  std::atomic<int> running{0};  // handlers running on the pool
  std::unique_ptr<CachedThreadPool> pool = std::make_unique<CachedThreadPool>();
};

template <typename Body>
HttpRequest ToRequest(const http::request<Body>& message) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers[name] = std::string(field.value());
  }
  if constexpr (std::is_same_v<Body, http::string_body>) request.body = message.body();
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
    spool_parser_.reset();
    spooled_.reset();
    spool_read_.reset();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(shared_->options.max_header_bytes));
    // The parser compares a Content-Length with this while reading the head:
    // the largest any request may send; ReadBody narrows it per request.
    parser_->body_limit(std::max<uint64_t>(shared_->options.max_body_bytes,
                                           shared_->spool.max_bytes));
    received_at_ = std::chrono::steady_clock::now();
    timed_out_ = false;
    // Our own deadline rather than the stream's: a stream timeout closes the
    // socket, and a late request deserves its 408.
    ArmDeadline();
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) {
                                self->OnRead(ec);
                                return;
                              }
                              self->ReadBody();
                            });
  }

  void ArmDeadline() {
    deadline_.expires_after(shared_->options.request_timeout);
    deadline_.async_wait([weak = this->weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      self->timed_out_ = true;
      beast::get_lowest_layer(self->stream_).socket().cancel(ec);
    });
  }

  // Only methods that carry content may send a body (RFC 9110 9.3.1: a GET
  // body has no meaning), and then at most max_body_bytes, or the spool's
  // limit for a body that goes to a file.
  void ReadBody() {
    const http::verb method = parser_->get().method();
    const bool takes_body = method == http::verb::post || method == http::verb::put;
    const BodySpool& spool = shared_->spool;
    const bool spooled = takes_body && spool.applies &&
                         spool.applies(std::string(parser_->get().target()));
    const uint64_t limit =
        spooled ? spool.max_bytes : takes_body ? shared_->options.max_body_bytes : 0;
    // The parser compares Content-Length with its limit while reading the
    // head, before the method is known: compare here; chunks are counted as
    // they arrive.
    if (parser_->content_length().value_or(0) > limit || (parser_->chunked() && limit == 0)) {
      OnRead(http::error::body_limit);
      return;
    }
    parser_->body_limit(limit);
    // Read before StartSpool, which hands the parser over to the spool's.
    const bool expect_continue =
        takes_body && beast::iequals(parser_->get()[http::field::expect], "100-continue");
    if (spooled && !StartSpool(limit)) {
      HttpRequest seen;
      seen.received_at = received_at_;
      Reject(seen, 500, "cannot keep the request body");
      return;
    }
    // RFC 9110 10.1.1: a client that sent "Expect: 100-continue" waits for
    // this interim answer before the content (curl: 1 s per STOW-RS request).
    if (expect_continue) {
      auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *interim,
                        [self = this->shared_from_this(), interim](beast::error_code ec, size_t) {
                          if (ec) {
                            self->Close();
                            return;
                          }
                          self->ReadContent();
                        });
      return;
    }
    ReadContent();
  }

  // The parser goes on with the body into a fresh file (the head is read).
  bool StartSpool(uint64_t limit) {
    const std::string path = shared_->spool.new_path();
    spool_parser_.emplace(std::move(*parser_));
    parser_.reset();
    spool_parser_->body_limit(limit);
    beast::error_code ec;
    spool_parser_->get().body().open(path.c_str(), beast::file_mode::write_new, ec);
    if (ec) {
      LogError("http: cannot create {}: {}", path, ec.message());
      return false;
    }
    spooled_ = std::make_shared<SpooledBody>(path);
    return true;
  }

  void ReadContent() {
    if (spool_parser_) {
      ReadSpooled();
      return;
    }
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       self->OnRead(ec);
                     });
  }

  // A spooled body. With a Content-Length it goes from the socket straight
  // into the file, up to kSpoolReadBytes at a time: Beast's body reader
  // takes at most 64 KiB per read, each a wake-up of this thread (which
  // waits for a core on a loaded machine), a write and a timer rearm, and
  // that made receiving a STOW-RS body slower than storing its parts. A
  // chunked body goes through Beast's reader. Either way the deadline starts
  // again with every buffer received (BodySpool).
  void ReadSpooled() {
    const auto length = spool_parser_->content_length();  // boost::optional
    if (!length || spool_parser_->chunked()) {
      ReadSpooledChunked();
      return;
    }
    spool_left_ = *length;
    // The bytes of the body that came with the head.
    const size_t early = static_cast<size_t>(std::min<uint64_t>(buffer_.size(), spool_left_));
    if (early > 0) {
      if (!WriteSpool(static_cast<const char*>(buffer_.data().data()), early)) return;
      buffer_.consume(early);
    }
    spool_read_ = std::make_unique<char[]>(kSpoolReadBytes);
    ReadSpooledDirect();
  }

  void ReadSpooledDirect() {
    if (spool_left_ == 0) {
      spool_read_.reset();
      OnRead({});
      return;
    }
    const auto want = static_cast<size_t>(std::min<uint64_t>(spool_left_, kSpoolReadBytes));
    stream_.async_read_some(
        asio::buffer(spool_read_.get(), want),
        [self = this->shared_from_this()](beast::error_code ec, size_t n) {
          if (self->timed_out_) {
            self->OnRead(ec);
            return;
          }
          if (n > 0 && !self->WriteSpool(self->spool_read_.get(), n)) return;
          // The peer closed before the announced length: an incomplete
          // request, as Beast's reader reports it.
          if (ec == asio::error::eof) ec = http::error::partial_message;
          if (ec) {
            self->OnRead(ec);
            return;
          }
          self->deadline_.cancel();
          self->ArmDeadline();
          self->ReadSpooledDirect();
        });
  }

  // Appends to the spool file; false (the request answered) when it fails.
  bool WriteSpool(const char* data, size_t size) {
    beast::error_code ec;
    spool_parser_->get().body().file().write(data, size, ec);
    if (ec) {
      deadline_.cancel();
      LogError("http: cannot write the request body: {}", ec.message());
      HttpRequest seen;
      seen.received_at = received_at_;
      Reject(seen, 500, "cannot keep the request body");
      return false;
    }
    spool_left_ -= size;
    return true;
  }

  void ReadSpooledChunked() {
    http::async_read_some(stream_, buffer_, *spool_parser_,
                          [self = this->shared_from_this()](beast::error_code ec, size_t) {
                            if (ec || self->spool_parser_->is_done() || self->timed_out_) {
                              self->OnRead(ec);
                              return;
                            }
                            self->deadline_.cancel();
                            self->ArmDeadline();
                            self->ReadSpooledChunked();
                          });
  }

  bool GotSome() const { return spool_parser_ ? spool_parser_->got_some() : parser_->got_some(); }

  // The request read, with its spooled body if it has one.
  HttpRequest TakeRequest() {
    if (!spool_parser_) return ToRequest(parser_->get());
    HttpRequest request = ToRequest(spool_parser_->get());
    spool_parser_->get().body().close();
    request.spooled_body = std::move(spooled_);
    return request;
  }

  void OnRead(beast::error_code ec) {
    deadline_.cancel();
    HttpRequest seen;
    seen.received_at = received_at_;
    if (timed_out_) {
      // RFC 9110 15.5.9: 408 when a request started but did not complete.
      if (buffer_.size() > 0 || GotSome()) Reject(seen, 408, "request timeout");
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
    const bool keep_alive =
        spool_parser_ ? spool_parser_->get().keep_alive() : parser_->get().keep_alive();
    HttpRequest request = TakeRequest();
    request.received_at = received_at_;
    const bool head = request.method == "HEAD";
    if (shared_->running.fetch_add(1) >= shared_->options.max_concurrent_requests) {
      --shared_->running;
      HttpResponse busy = HttpResponse::Text(429, "too many requests");
      busy.AddHeader("Retry-After", "1");
      LogHttpRequest(request, busy, "");
      Send(std::move(busy), head, keep_alive);
      return;
    }
    auto self = this->shared_from_this();
    auto run = [self, request = std::move(request), head, keep_alive]() mutable {
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
      // A spooled body's file is gone before the answer leaves.
      request.spooled_body.reset();
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

  // A response the server makes itself; the connection closes after it. A
  // body spooled for the refused request is removed before it leaves.
  void Reject(HttpRequest& seen, unsigned status, const std::string& reason) {
    spooled_.reset();
    HttpResponse response = HttpResponse::Text(status, reason);
    seen.method = "-";
    seen.target = "-";
    LogHttpRequest(seen, response, "");
    Send(std::move(response), false, false);
  }

  // The fields every answer carries, from `answer`.
  template <typename Body>
  static void SetHead(http::response<Body>& message, const HttpResponse& answer, bool keep_alive) {
    message.result(static_cast<http::status>(answer.status));
    message.version(11);
    message.set(http::field::server, "pixeldex");
    message.set(http::field::content_type, answer.content_type);
    for (const auto& [name, value] : answer.headers) message.insert(name, value);
    // Nothing is kept by caches unless the handler says otherwise.
    if (message.find(http::field::cache_control) == message.end()) {
      message.set(http::field::cache_control, "no-store");
    }
    message.keep_alive(keep_alive);
  }

  void Send(HttpResponse answer, bool head, bool keep_alive) {
    if (answer.stream) {
      SendStreamed(std::move(answer), head, keep_alive);
      return;
    }
    response_ = {};
    SetHead(response_, answer, keep_alive);
    // RFC 9110 9.3.2: HEAD gets the headers GET would, without the content.
    // RFC 9110 8.6: no Content-Length in a 204 (No Content).
    if (answer.status != 204) response_.content_length(answer.body.size());
    if (!head) response_.body() = std::move(answer.body);
    beast::get_lowest_layer(stream_).expires_after(shared_->options.request_timeout);
    http::async_write(stream_, response_,
                      [self = this->shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        self->AfterResponse(ec, keep_alive);
                      });
  }

  // A StreamedBody: the head, then the body a chunk at a time, each chunk
  // read (or produced) on the worker pool, never on this thread, which
  // serves every connection's socket. Content-Length when the size is known,
  // else chunked transfer coding (RFC 9112 7.1).
  void SendStreamed(HttpResponse answer, bool head, bool keep_alive) {
    streamed_head_.emplace();
    SetHead(*streamed_head_, answer, keep_alive);
    const std::optional<uint64_t> size = answer.stream->size();
    if (size)
      streamed_head_->content_length(*size);
    else
      streamed_head_->chunked(true);
    body_ = head ? nullptr : std::move(answer.stream);
    on_sent_ = std::move(answer.on_sent);
    sent_ = 0;
    head_serializer_.emplace(*streamed_head_);
    beast::get_lowest_layer(stream_).expires_after(shared_->options.request_timeout);
    http::async_write_header(
        stream_, *head_serializer_,
        [self = this->shared_from_this(), keep_alive](beast::error_code ec, size_t) {
          if (ec || !self->body_) {
            self->AfterResponse(ec, keep_alive);
            return;
          }
          self->ReadChunk(keep_alive);
        });
  }

  void ReadChunk(bool keep_alive) {
    auto self = this->shared_from_this();
    auto read = [self, keep_alive] {
      Status status = Status::Ok();
      try {
        status = self->body_->Next(self->chunk_, kChunkBytes);
      } catch (const std::exception& e) {
        status = Status::Internal(e.what());
      }
      asio::post(self->stream_.get_executor(),
                 [self, keep_alive, status] { self->WriteChunk(status, keep_alive); });
    };
    try {
      shared_->pool->Submit(std::move(read));
    } catch (const std::system_error& e) {
      WriteChunk(Status::ResourceExhausted(e.what()), keep_alive);
    }
  }

  void WriteChunk(const Status& read, bool keep_alive) {
    if (!read.ok()) {
      LogError("http: response body ended early, connection closed: {}", read.ToString());
      StreamOver();
      Close();
      return;
    }
    auto written = [self = this->shared_from_this(), keep_alive,
                    bytes = chunk_.size()](beast::error_code ec, size_t) {
      if (!ec) self->sent_ += bytes;
      if (ec || !self->body_) {
        self->AfterResponse(ec, keep_alive);
        return;
      }
      self->ReadChunk(keep_alive);
    };
    beast::get_lowest_layer(stream_).expires_after(shared_->options.request_timeout);
    const bool chunked = streamed_head_->chunked();
    if (chunk_.empty()) {  // the end
      body_.reset();
      if (chunked) {
        asio::async_write(stream_, http::make_chunk_last(), std::move(written));
      } else {
        written({}, 0);
      }
    } else if (chunked) {
      asio::async_write(stream_, http::make_chunk(asio::buffer(chunk_)), std::move(written));
    } else {
      asio::async_write(stream_, asio::buffer(chunk_), std::move(written));
    }
  }

  // A streamed answer is over: its bytes sent go to whoever asked.
  void StreamOver() {
    if (auto on_sent = std::exchange(on_sent_, nullptr)) on_sent(sent_);
  }

  // After a whole response: the next request, or the end of the connection.
  void AfterResponse(beast::error_code ec, bool keep_alive) {
    StreamOver();
    beast::get_lowest_layer(stream_).expires_never();
    if (ec || !keep_alive) {
      Close();
      return;
    }
    ReadRequest();
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
  // Instead, once the head asked for it, a body going to a file (BodySpool);
  // the file is removed unless a request takes it.
  std::optional<http::request_parser<http::file_body>> spool_parser_;
  std::shared_ptr<SpooledBody> spooled_;
  // A spooled body with a Content-Length: the bytes still to come and the
  // buffer they are read into (ReadSpooled).
  uint64_t spool_left_ = 0;
  std::unique_ptr<char[]> spool_read_;
  http::response<http::string_body> response_;
  // A streamed response being sent: its head, the body, the chunk in flight.
  std::optional<http::response<http::empty_body>> streamed_head_;
  std::optional<http::response_serializer<http::empty_body>> head_serializer_;
  std::shared_ptr<StreamedBody> body_;
  std::string chunk_;
  std::function<void(uint64_t)> on_sent_;
  uint64_t sent_ = 0;  // body bytes of the streamed answer written so far
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
        const std::string peer = socket.remote_endpoint(ec).address().to_string();
        LogWarning({{"peer", peer}, {"outcome", "refused"}},
                   "http: connection from {} refused: {} connections open", peer,
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
  auto server = Bind(address, std::move(options));
  if (server.ok()) (*server)->Serve(std::move(handler));
  return server;
}

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(const ListenAddress& address,
                                                     HttpServerOptions options) {
  auto impl = std::make_unique<Impl>();
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
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::Serve(HttpHandler handler, BodySpool spool) {
  impl_->shared->handler = std::move(handler);
  impl_->shared->spool = std::move(spool);
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
  // Waits for the handlers running; their answers are dropped with the io.
  impl_->shared->pool.reset();
}

}  // namespace pixeldex::server
