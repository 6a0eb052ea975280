#include "server/http/http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "catalog/common/cached_thread_pool.h"
#include "catalog/common/exception_boundary.h"
#include "catalog/common/log.h"
#include "server/http/access_log.h"
#include "server/http/header_text.h"
#include "server/http/request_body_stream.h"

namespace pixeldex::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Bytes of a streamed body read and written at a time.
constexpr size_t kChunkBytes = 256 * 1024;

// What every connection shares with the server; connections keep it alive.
struct Shared {
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

  void Track(const std::shared_ptr<RequestBodyStream>& body) {
    std::lock_guard lock(bodies_mutex);
    std::erase_if(bodies, [](const auto& weak) { return weak.expired(); });
    bodies.push_back(body);
  }
  void EndBodies() {
    std::lock_guard lock(bodies_mutex);
    for (const auto& weak : bodies) {
      if (auto body = weak.lock()) body->End(BodyFailure::kClosed, "the server is stopping");
    }
  }
};

template <typename Body>
HttpRequest ToRequest(const http::request<Body>& message) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    const auto name = field.name_string();
    request.headers[AsciiLower({name.data(), name.size()})] = std::string(field.value());
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
    body_stream_.reset();
    chunked_parser_.reset();
    lingering_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(shared_->options.max_header_bytes));
    // The parser compares a Content-Length with this while reading the head:
    // the largest any request may send; ReadBody narrows it per request.
    parser_->body_limit(std::max<uint64_t>(shared_->options.max_body_bytes,
                                           shared_->streaming.max_bytes));
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
  // body has no meaning), and then at most max_body_bytes, or the
  // streaming limit for a body its handler reads as it arrives.
  void ReadBody() {
    const http::verb method = parser_->get().method();
    const bool takes_body = method == http::verb::post || method == http::verb::put;
    const BodyStreaming& streaming = shared_->streaming;
    const bool streamed = takes_body && streaming.applies &&
                          streaming.applies(std::string(parser_->get().target()));
    const uint64_t limit =
        streamed ? streaming.max_bytes : takes_body ? shared_->options.max_body_bytes : 0;
    // The parser compares Content-Length with its limit while reading the
    // head, before the method is known: compare here; chunks are counted as
    // they arrive.
    if (parser_->content_length().value_or(0) > limit || (parser_->chunked() && limit == 0)) {
      OnRead(http::error::body_limit);
      return;
    }
    parser_->body_limit(limit);
    const bool expect_continue =
        takes_body && beast::iequals(parser_->get()[http::field::expect], "100-continue");
    if (streamed) {
      StartStreamed(expect_continue, limit);
      return;
    }
    // RFC 9110 10.1.1: a client that sent "Expect: 100-continue" waits for
    // this interim answer before the content (curl: 1 s per request).
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

  void ReadContent() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       self->OnRead(ec);
                     });
  }

  // A body its handler reads as it arrives (BodyStreaming): the handler
  // runs now, with the head; the body is read when it pulls
  // (RequestBodyStream), so a request the handler refuses (401, 415...)
  // never has its body read.
  void StartStreamed(bool expect_continue, uint64_t limit) {
    deadline_.cancel();  // each read of the body arms it again
    expect_continue_ = expect_continue;
    body_left_ = parser_->content_length().value_or(0);
    const bool keep_alive = parser_->get().keep_alive();
    HttpRequest request = ToRequest(parser_->get());
    request.received_at = received_at_;
    if (parser_->chunked()) {
      chunked_parser_.emplace(std::move(*parser_));
      chunked_parser_->body_limit(limit);
      parser_.reset();
    }
    body_stream_ = std::make_shared<RequestBodyStream>(
        [weak = this->weak_from_this(), executor = stream_.get_executor()] {
          asio::post(executor, [weak] {
            if (auto self = weak.lock()) self->PullBody();
          });
        },
        shared_->body_buffers);
    shared_->Track(body_stream_);
    request.body_stream = body_stream_;
    Dispatch(std::move(request), keep_alive);
  }

  // The handler wants more of the body (RequestBodyStream::Read).
  void PullBody() {
    if (!body_stream_ || body_stream_->abandoned() || body_busy_) return;
    if (expect_continue_) {  // RFC 9110 10.1.1, once the handler wants the content
      expect_continue_ = false;
      body_busy_ = true;
      auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *interim,
                        [self = this->shared_from_this(), interim](beast::error_code ec, size_t) {
                          self->body_busy_ = false;
                          if (self->body_stream_->abandoned()) {
                            if (self->lingering_) self->Drain();
                            return;
                          }
                          if (ec) {
                            self->body_stream_->End(BodyFailure::kClosed,
                                                    "cannot send 100 Continue: " + ec.message());
                            return;
                          }
                          self->PullBody();
                        });
      return;
    }
    if (chunked_parser_) {
      ReadChunkedBody();
    } else {
      ReadLengthBody();
    }
  }

  // A body with a Content-Length goes from the socket straight into the
  // handler's buffers (RequestBodyStream::TakeBuffer), up to kBodyReadBytes
  // at a time: Beast's body reader takes at most 64 KiB per read, each a
  // wake-up of this thread (which waits for a core on a loaded machine) and
  // a timer rearm.
  void ReadLengthBody() {
    while (body_left_ > 0 && buffer_.size() > 0) {  // bytes that came with the head
      BodyBuffer early = body_stream_->TakeBuffer();
      const auto n = static_cast<size_t>(
          std::min<uint64_t>({buffer_.size(), body_left_, early.capacity()}));
      std::memcpy(early.data(), buffer_.data().data(), n);
      early.set_size(n);
      buffer_.consume(n);
      body_left_ -= n;
      if (!body_stream_->Push(std::move(early)) && body_left_ > 0) return;
    }
    if (body_left_ == 0) {
      body_stream_->End(BodyFailure::kNone);
      return;
    }
    BodyBuffer into = body_stream_->TakeBuffer();
    const auto want = static_cast<size_t>(std::min<uint64_t>(body_left_, into.capacity()));
    char* const data = into.data();
    body_busy_ = true;
    ArmDeadline();
    stream_.async_read_some(asio::buffer(data, want),
                            [self = this->shared_from_this(), into = std::move(into)](
                                beast::error_code ec, size_t n) mutable {
                              if (!self->BodyReadCompleted()) return;
                              bool more = true;
                              if (n > 0) {
                                into.set_size(n);
                                self->body_left_ -= n;
                                more = self->body_stream_->Push(std::move(into));
                              }
                              if (ec) {
                                self->BodyEndedEarly(ec);
                              } else if (self->body_left_ == 0) {
                                self->body_stream_->End(BodyFailure::kNone);
                              } else if (more) {
                                self->ReadLengthBody();
                              }
                            });
  }

  // A chunked body (RFC 9112 7.1): read from the socket into buffer_ up to
  // kBodyReadBytes at a time and decoded by Beast's parser into the
  // handler's buffers, each socket read's bytes handed on at once, as for a
  // Content-Length body. (Beast's http::async_read_some reads at most as
  // much as buffer_ has room for, 512 bytes after a small head: a read, a
  // timer rearm and a hand-off to the handler per 512 bytes, a thousand
  // context switches per 512x512 instance.)
  void ReadChunkedBody() { DecodeChunked(body_stream_->TakeBuffer()); }

  // Decodes what buffer_ holds into `into`; hands `into` on once it holds
  // bytes (or the body ended), else reads the socket for more.
  void DecodeChunked(BodyBuffer into) {
    auto& parser = *chunked_parser_;
    auto& body = parser.get().body();
    body.data = into.data();
    body.size = into.capacity();
    body.more = true;
    beast::error_code ec;
    while (buffer_.size() > 0 && !parser.is_done() && !ec) {
      const size_t used = parser.put(buffer_.data(), ec);
      buffer_.consume(used);
      if (used == 0) break;
    }
    // Not errors: the parser wants more bytes, or `into` is full.
    if (ec == http::error::need_more || ec == http::error::need_buffer) ec = {};
    into.set_size(into.capacity() - body.size);
    const bool done = parser.is_done();
    if (ec || done || into.size() > 0) {
      if (done) buffer_.shrink_to_fit();  // an idle connection keeps no read buffer
      const bool more = body_stream_->Push(std::move(into));
      if (ec) {
        BodyEndedEarly(ec);
      } else if (done) {
        body_stream_->End(BodyFailure::kNone);
      } else if (more) {
        ReadChunkedBody();
      }
      return;
    }
    body_busy_ = true;
    ArmDeadline();
    stream_.async_read_some(buffer_.prepare(kBodyReadBytes),
                            [self = this->shared_from_this(), into = std::move(into)](
                                beast::error_code read_ec, size_t n) mutable {
                              if (!self->BodyReadCompleted()) return;
                              self->buffer_.commit(n);
                              if (read_ec) {
                                self->BodyEndedEarly(read_ec);
                                return;
                              }
                              self->DecodeChunked(std::move(into));
                            });
  }

  // After a read of a streamed body: false when it is not the handler's to
  // see (the handler is gone, or the deadline passed, which ends the body).
  bool BodyReadCompleted() {
    body_busy_ = false;
    deadline_.cancel();
    if (body_stream_->abandoned()) {
      if (lingering_) Drain();
      return false;
    }
    if (timed_out_) {
      body_stream_->End(BodyFailure::kTimedOut,
                        "no bytes of the request body arrived for " +
                            std::to_string(shared_->options.request_timeout.count()) + " ms");
      return false;
    }
    return true;
  }

  void BodyEndedEarly(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      body_stream_->End(BodyFailure::kTooLarge, "the request body is over the limit");
    } else if (ec == asio::error::eof || ec == http::error::partial_message ||
               ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
               ec == asio::ssl::error::stream_truncated) {
      body_stream_->End(BodyFailure::kClosed,
                        "the connection closed before the end of the request body");
    } else {
      body_stream_->End(BodyFailure::kMalformed, "bad request body: " + ec.message());
    }
  }

  // A connection whose streamed body was not read to its end, once its
  // answer is sent: the rest is read and dropped until the peer closes or
  // the timeout passes (closing with unread bytes would reset the
  // connection, and the peer could lose the answer), then closed.
  void LingerClose() {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    lingering_ = true;
    if (body_busy_) {
      ArmDeadline();  // the read under way ends by then, and Drain goes on
    } else {
      Drain();
    }
  }

  void Drain() {
    if (drained_ > shared_->streaming.max_bytes || timed_out_) {
      Close();
      return;
    }
    body_read_.resize(kBodyReadBytes);
    body_busy_ = true;
    ArmDeadline();
    stream_.async_read_some(asio::buffer(body_read_),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              self->body_busy_ = false;
                              self->deadline_.cancel();
                              self->drained_ += n;
                              if (ec) {
                                self->Close();
                                return;
                              }
                              self->Drain();
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
    const bool keep_alive = parser_->get().keep_alive();
    HttpRequest request = ToRequest(parser_->get());
    request.received_at = received_at_;
    Dispatch(std::move(request), keep_alive);
  }

  // Runs the handler on the worker pool and sends its answer. A streamed
  // body not read to its end leaves the connection closing after the answer.
  void Dispatch(HttpRequest request, bool keep_alive) {
    const bool head = request.method == "HEAD";
    const std::shared_ptr<RequestBodyStream> body = request.body_stream;
    if (shared_->running.fetch_add(1) >= shared_->options.max_concurrent_requests) {
      --shared_->running;
      if (body) body->Abandon();
      HttpResponse busy = HttpResponse::Text(429, "too many requests");
      busy.AddHeader("Retry-After", "1");
      LogHttpRequest(request, busy, "");
      Send(std::move(busy), head, keep_alive && !body);
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
      if (request.body_stream) {
        keep_alive = keep_alive && request.body_stream->complete();
        request.body_stream->Abandon();
      }
      --self->shared_->running;
      asio::post(self->stream_.get_executor(),
                 [self, response = std::move(response), head, keep_alive]() mutable {
                   self->deadline_.cancel();
                   self->Send(std::move(response), head, keep_alive);
                 });
    };
    try {
      shared_->pool->Submit(std::move(run));
    } catch (const std::system_error& e) {  // no thread could be started
      --shared_->running;
      if (body) body->Abandon();
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
      if (!ec && body_stream_ && !body_stream_->complete()) {
        LingerClose();
      } else {
        Close();
      }
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
  // A streamed request body (BodyStreaming) and how it is read: its stream
  // to the handler, Beast's parser for a chunked one, the bytes still to
  // come of one with a Content-Length, the buffer Drain reads into.
  std::shared_ptr<RequestBodyStream> body_stream_;
  std::optional<http::request_parser<http::buffer_body>> chunked_parser_;
  uint64_t body_left_ = 0;
  std::string body_read_;
  bool body_busy_ = false;        // a read (or 100 Continue) of the body is under way
  bool expect_continue_ = false;  // owed before the body is read
  bool lingering_ = false;        // answered; the rest of the body is dropped
  uint64_t drained_ = 0;
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
