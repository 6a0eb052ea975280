#pragma once
// The request and response values the HTTP layer passes between the socket
// code (http_server.h), the front door (request_pipeline.h) and the handlers
// (router.h). Plain values, no Beast types, so handlers test without sockets.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/http/request_body_stream.h"
#include "server/http/streamed_body.h"

namespace pixeldex::server {

struct HttpRequest {
  std::string method;  // "GET", "HEAD", "OPTIONS", "POST", ...
  std::string target;  // as received, e.g. "/dicom-web/studies?PatientName=Doe*"
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  // Set instead of `body` when the body is read as it arrives
  // (request_body_stream.h: HttpServer's BodyStreaming, STOW-RS).
  std::shared_ptr<RequestBodyStream> body_stream = nullptr;
  std::chrono::steady_clock::time_point received_at = std::chrono::steady_clock::now();

  // The target before '?' and after it (both still percent-encoded).
  std::string Path() const;
  std::string Query() const;
  // The header's value, or "" when absent.
  std::string Header(const std::string& lower_case_name) const;
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // When set, the body instead, sent in chunks as the peer takes it
  // (streamed_body.h); `body` is then ignored.
  std::shared_ptr<StreamedBody> stream = nullptr;
  // Further header fields, in order (Content-Type and Content-Length are set
  // from the members above).
  std::vector<std::pair<std::string, std::string>> headers = {};
  // When set, called once the answer with a `stream` is over (sent whole,
  // or given up), with the bytes of the body sent (the access log of a
  // chunked answer, whose size is known only then).
  std::function<void(uint64_t body_bytes_sent)> on_sent = nullptr;

  // A text/plain response whose body is `reason` and a newline.
  static HttpResponse Text(unsigned status, const std::string& reason);
  // Bytes of the body, as far as known before sending (a produced part of a
  // stream counts 0).
  uint64_t BodySize() const { return stream ? stream->size().value_or(0) : body.size(); }
  void AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  // Adds `Warning: 299 pixeldex "<text>"`: RFC 9111 5.5's warn-code,
  // warn-agent (a pseudonym) and warn-text as a quoted-string (RFC 9110
  // 5.6.4: '"' and '\' escaped, control characters dropped). PS3.18 8.3.4
  // and 10.6.1.3 still name the field for QIDO-RS and other warnings.
  void AddWarning(const std::string& text);
};

}  // namespace pixeldex::server
