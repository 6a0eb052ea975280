#pragma once
// A tiny HTTP/1.1 client for tests: one request to 127.0.0.1 over a plain
// socket, the reply read until the server closes the connection (requests
// say "Connection: close"), within a bounded deadline. Any method, extra
// header lines and a body.

#include <map>
#include <string>
#include <vector>

namespace pixeldex::testing {

struct HttpReply {
  int status = 0;                              // 0 when no status line arrived
  std::map<std::string, std::string> headers;  // names in lower case; repeats joined by ", "
  std::string body;                            // chunked transfer coding removed
  // The body is shorter than its Content-Length, or chunked without its last
  // chunk: the server ended the message early.
  bool truncated = false;
};

// Sends `raw_request` as is and parses what comes back. Throws
// std::runtime_error when it cannot connect.
HttpReply HttpExchange(int port, const std::string& raw_request, int timeout_ms = 10000);

// `method` `path` with Connection: close.
HttpReply HttpRequest(int port, const std::string& method, const std::string& path);

// `method` `path` with further header lines (e.g. {"Authorization: Basic ..."})
// and a body (sent with its Content-Length when not empty), Connection: close.
HttpReply HttpRequest(int port, const std::string& method, const std::string& path,
                      const std::vector<std::string>& headers, const std::string& body = "");

// "Basic base64(user:password)" for an Authorization header (RFC 7617).
std::string BasicAuthorization(const std::string& user, const std::string& password);

}  // namespace pixeldex::testing
