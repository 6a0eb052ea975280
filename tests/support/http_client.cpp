#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <sstream>
#include <stdexcept>

namespace pixeldex::testing {
namespace {

// RFC 9112 7.1: chunk-size [ext] CRLF data CRLF ... 0 CRLF CRLF. False when
// the last chunk never came.
bool Dechunk(const std::string& raw, std::string* body) {
  body->clear();
  size_t at = 0;
  for (;;) {
    const size_t line_end = raw.find("\r\n", at);
    if (line_end == std::string::npos) return false;
    const size_t size = std::stoul(raw.substr(at, line_end - at), nullptr, 16);
    if (size == 0) return true;
    if (line_end + 2 + size > raw.size()) return false;
    body->append(raw, line_end + 2, size);
    at = line_end + 2 + size + 2;
  }
}

HttpReply Parse(const std::string& raw) {
  HttpReply reply;
  const size_t head_end = raw.find("\r\n\r\n");
  std::istringstream head(raw.substr(0, head_end));
  std::string line;
  if (std::getline(head, line)) {
    std::istringstream status_line(line);
    std::string version;
    status_line >> version >> reply.status;
  }
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    // RFC 9110 5.3: repeated fields combine into one list.
    const std::string value = line.substr(line.find_first_not_of(' ', colon + 1));
    std::string& combined = reply.headers[name];
    combined = combined.empty() ? value : combined + ", " + value;
  }
  if (head_end != std::string::npos) reply.body = raw.substr(head_end + 4);
  if (reply.headers["transfer-encoding"].find("chunked") != std::string::npos) {
    const std::string chunked = reply.body;
    reply.truncated = !Dechunk(chunked, &reply.body);
  } else if (reply.headers.count("content-length") != 0) {
    reply.truncated = reply.body.size() < std::stoull(reply.headers["content-length"]);
  }
  return reply;
}

}  // namespace

HttpReply HttpExchange(int port, const std::string& raw_request, int timeout_ms) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
  size_t sent = 0;
  while (sent < raw_request.size()) {
    const ssize_t n =
        ::send(fd, raw_request.data() + sent, raw_request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer (413) and close before reading it all
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    pollfd pfd{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&pfd, 1, static_cast<int>(left)) <= 0) break;
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    raw.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return Parse(raw);
}

HttpReply HttpRequest(int port, const std::string& method, const std::string& path) {
  return HttpRequest(port, method, path, {});
}

HttpReply HttpRequest(int port, const std::string& method, const std::string& path,
                      const std::vector<std::string>& headers, const std::string& body) {
  std::string raw = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const std::string& header : headers) raw += header + "\r\n";
  if (!body.empty()) raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return HttpExchange(port, raw + "\r\n" + body);
}

std::string BasicAuthorization(const std::string& user, const std::string& password) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string in = user + ":" + password;
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    const size_t n = std::min<size_t>(3, in.size() - i);
    uint32_t v = 0;
    for (size_t k = 0; k < 3; ++k) {
      v = (v << 8) | (k < n ? static_cast<unsigned char>(in[i + k]) : 0);
    }
    for (size_t k = 0; k < 4; ++k) {
      out += k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 63] : '=';
    }
  }
  return "Basic " + out;
}

}  // namespace pixeldex::testing
