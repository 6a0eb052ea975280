// HttpConnection's answers (http_connection.h): running the handler on the
// worker pool within the concurrency limit, the answers the server makes
// itself, and sending a response, whole or streamed a chunk at a time.
// Included only by the files that instantiate the connection.

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <exception>
#include <string>
#include <system_error>
#include <utility>

#include "catalog/common/log.h"
#include "server/http/access_log.h"
#include "server/http/http_connection.h"

namespace pixeldex::server {

// Runs the handler on the worker pool and sends its answer. A streamed
// body not read to its end leaves the connection closing after the answer.
template <typename Stream>
void HttpConnection<Stream>::Dispatch(HttpRequest request, bool keep_alive) {
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
template <typename Stream>
void HttpConnection<Stream>::Reject(HttpRequest& seen, unsigned status, const std::string& reason) {
  HttpResponse response = HttpResponse::Text(status, reason);
  seen.method = "-";
  seen.target = "-";
  LogHttpRequest(seen, response, "");
  Send(std::move(response), false, false);
}

// The fields every answer carries, from `answer`.
template <typename Stream>
template <typename Body>
void HttpConnection<Stream>::SetHead(http::response<Body>& message, const HttpResponse& answer, bool keep_alive) {
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

template <typename Stream>
void HttpConnection<Stream>::Send(HttpResponse answer, bool head, bool keep_alive) {
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
template <typename Stream>
void HttpConnection<Stream>::SendStreamed(HttpResponse answer, bool head, bool keep_alive) {
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

template <typename Stream>
void HttpConnection<Stream>::ReadChunk(bool keep_alive) {
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

template <typename Stream>
void HttpConnection<Stream>::WriteChunk(const Status& read, bool keep_alive) {
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
template <typename Stream>
void HttpConnection<Stream>::StreamOver() {
  if (auto on_sent = std::exchange(on_sent_, nullptr)) on_sent(sent_);
}

// After a whole response: the next request, or the end of the connection.
template <typename Stream>
void HttpConnection<Stream>::AfterResponse(beast::error_code ec, bool keep_alive) {
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

template <typename Stream>
void HttpConnection<Stream>::Close() {
  beast::error_code ignored;
  auto& lowest = beast::get_lowest_layer(stream_);
  lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
  lowest.close();
}

}  // namespace pixeldex::server
