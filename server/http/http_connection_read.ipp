// HttpConnection's reading (http_connection.h): the TLS handshake, request
// heads, bodies read whole, and bodies streamed to their handler
// (BodyStreaming, http_server.h) with the lingering close after them.
// Included only by the files that instantiate the connection.

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

#include "catalog/common/log.h"
#include "server/http/header_text.h"
#include "server/http/http_connection.h"

namespace pixeldex::server {

template <typename Stream>
template <typename Body>
HttpRequest HttpConnection<Stream>::ToRequest(const http::request<Body>& message) {
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


template <typename Stream>
void HttpConnection<Stream>::Start() {
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

template <typename Stream>
void HttpConnection<Stream>::ReadRequest() {
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

template <typename Stream>
void HttpConnection<Stream>::ArmDeadline() {
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
template <typename Stream>
void HttpConnection<Stream>::ReadBody() {
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

template <typename Stream>
void HttpConnection<Stream>::ReadContent() {
  http::async_read(stream_, buffer_, *parser_,
                   [self = this->shared_from_this()](beast::error_code ec, size_t) {
                     self->OnRead(ec);
                   });
}

// A body its handler reads as it arrives (BodyStreaming): the handler
// runs now, with the head; the body is read when it pulls
// (RequestBodyStream), so a request the handler refuses (401, 415...)
// never has its body read.
template <typename Stream>
void HttpConnection<Stream>::StartStreamed(bool expect_continue, uint64_t limit) {
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
template <typename Stream>
void HttpConnection<Stream>::PullBody() {
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
template <typename Stream>
void HttpConnection<Stream>::ReadLengthBody() {
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
template <typename Stream>
void HttpConnection<Stream>::ReadChunkedBody() { DecodeChunked(body_stream_->TakeBuffer()); }

// Decodes what buffer_ holds into `into`; hands `into` on once it holds
// bytes (or the body ended), else reads the socket for more.
template <typename Stream>
void HttpConnection<Stream>::DecodeChunked(BodyBuffer into) {
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
template <typename Stream>
bool HttpConnection<Stream>::BodyReadCompleted() {
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

template <typename Stream>
void HttpConnection<Stream>::BodyEndedEarly(beast::error_code ec) {
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
template <typename Stream>
void HttpConnection<Stream>::LingerClose() {
  beast::error_code ignored;
  beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
  lingering_ = true;
  if (body_busy_) {
    ArmDeadline();  // the read under way ends by then, and Drain goes on
  } else {
    Drain();
  }
}

template <typename Stream>
void HttpConnection<Stream>::Drain() {
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

template <typename Stream>
void HttpConnection<Stream>::OnRead(beast::error_code ec) {
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

}  // namespace pixeldex::server
