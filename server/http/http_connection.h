#pragma once
// HttpConnection<Stream>: one connection of an HttpServer (Stream:
// beast::tcp_stream, or an ssl_stream over one). Reads requests one at a
// time and answers each, until the peer closes, a request is bad, or the
// timeout passes; the limits it answers are listed in http_server.h.
// Declarations only: the members are defined in http_connection_read.ipp
// (the TLS handshake, request heads and bodies, streamed request bodies)
// and http_connection_answer.ipp (running the handler, sending its answer),
// and instantiated once a stream type, in http_connection_plain.cpp and
// http_connection_tls.cpp.

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "server/http/http_server_shared.h"

namespace pixeldex::server {

// For the members' definitions too (this header is included only by the
// files of the connection).
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

template <typename Stream>
class HttpConnection : public std::enable_shared_from_this<HttpConnection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  HttpConnection(Stream stream, std::shared_ptr<HttpServerShared> shared)
      : stream_(std::move(stream)), shared_(std::move(shared)), deadline_(stream_.get_executor()) {
    ++shared_->connections;
  }
  ~HttpConnection() { --shared_->connections; }

  // The TLS handshake, if any, then the first request.
  void Start();

 private:
  // Bytes of a streamed response body read and written at a time.
  static constexpr size_t kChunkBytes = 256 * 1024;

  // Reading (http_connection_read.ipp).
  template <typename Body>
  static HttpRequest ToRequest(const http::request<Body>& message);
  void ReadRequest();
  void ArmDeadline();
  void ReadBody();
  void ReadContent();
  void StartStreamed(bool expect_continue, uint64_t limit);
  void PullBody();
  void ReadLengthBody();
  void ReadChunkedBody();
  void DecodeChunked(BodyBuffer into);
  bool BodyReadCompleted();
  void BodyEndedEarly(beast::error_code ec);
  void LingerClose();
  void Drain();
  void OnRead(beast::error_code ec);

  // Answering (http_connection_answer.ipp).
  void Dispatch(HttpRequest request, bool keep_alive);
  void Reject(HttpRequest& seen, unsigned status, const std::string& reason);
  template <typename Body>
  static void SetHead(http::response<Body>& message, const HttpResponse& answer, bool keep_alive);
  void Send(HttpResponse answer, bool head, bool keep_alive);
  void SendStreamed(HttpResponse answer, bool head, bool keep_alive);
  void ReadChunk(bool keep_alive);
  void WriteChunk(const Status& read, bool keep_alive);
  void StreamOver();
  void AfterResponse(beast::error_code ec, bool keep_alive);
  void Close();

  Stream stream_;
  std::shared_ptr<HttpServerShared> shared_;
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

}  // namespace pixeldex::server
