// qido_client: per-query QIDO-RS latency for the shapes of find_shapes.h.
// Each shape's identifier becomes a search (PS3.18 10.6): the query level
// picks the resource (/studies, /series, /instances), every key with a value
// becomes a matching parameter and every return key an includefield, all by
// tag (GGGGEEEE). One HTTP/1.1 connection (keep-alive, TCP_NODELAY), each
// request timed with steady_clock from its first byte sent to the last byte
// of the answer's body read; on loopback an upper bound of the server's time
// per search.
//
// Usage: qido_client --port P --instances N [--repeat R (1000)] [--shapes a,b]
//                    [--header 0|1]

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/find_bench/find_shapes.h"

namespace {

namespace bench = pixeldex::bench;
using Clock = std::chrono::steady_clock;

std::string Hex(uint16_t group, uint16_t element) {
  char text[9];
  std::snprintf(text, sizeof text, "%04X%04X", group, element);
  return text;
}

// RFC 3986 2.1: everything but the unreserved characters percent-encoded.
std::string PercentEncoded(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// The search's target, and the tag whose count is the number of matches.
struct Search {
  std::string target;
  std::string unique_key;
};

Search ToSearch(const bench::ShapeQuery& query) {
  std::string level, params;
  for (const bench::ShapeKey& key : query.keys) {
    if (key.group == 0x0008 && key.element == 0x0052) {
      level = key.value;
      continue;
    }
    params += params.empty() ? "?" : "&";
    params += key.value.empty() ? "includefield=" + Hex(key.group, key.element)
                                : Hex(key.group, key.element) + "=" + PercentEncoded(key.value);
  }
  if (level == "STUDY") return {"/dicom-web/studies" + params, "\"0020000D\""};
  if (level == "SERIES") return {"/dicom-web/series" + params, "\"0020000E\""};
  return {"/dicom-web/instances" + params, "\"00080018\""};
}

class Connection {
 public:
  explicit Connection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("cannot connect");
    }
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Connection() { ::close(fd_); }

  // GET target; the status and the body (Content-Length or chunked).
  std::pair<int, std::string> Get(const std::string& target) {
    const std::string request = "GET " + target +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Accept: application/dicom+json\r\n\r\n";
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      throw std::runtime_error("send failed");
    }
    size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) Fill();
    const std::string head = buffer_.substr(0, head_end);
    buffer_.erase(0, head_end + 4);
    const int status = std::stoi(head.substr(9, 3));
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    std::string body;
    if (lower.find("transfer-encoding: chunked") != std::string::npos) {
      for (;;) {
        size_t line_end;
        while ((line_end = buffer_.find("\r\n")) == std::string::npos) Fill();
        const size_t size = std::stoul(buffer_.substr(0, line_end), nullptr, 16);
        while (buffer_.size() < line_end + 2 + size + 2) Fill();
        body.append(buffer_, line_end + 2, size);
        buffer_.erase(0, line_end + 2 + size + 2);
        if (size == 0) break;
      }
    } else {
      const size_t at = lower.find("content-length:");
      const size_t length = at == std::string::npos ? 0 : std::stoul(lower.substr(at + 15));
      while (buffer_.size() < length) Fill();
      body = buffer_.substr(0, length);
      buffer_.erase(0, length);
    }
    return {status, std::move(body)};
  }

 private:
  void Fill() {
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) throw std::runtime_error("connection closed");
    buffer_.append(chunk, static_cast<size_t>(n));
  }

  int fd_;
  std::string buffer_;
};

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

int Usage() {
  std::fprintf(stderr,
               "usage: qido_client --port P --instances N [--repeat R] [--shapes a,b,...] "
               "[--header 0|1]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string shapes_arg;
  int port = 0, repeat = 1000, header = 1;
  int64_t instances = 0;
  for (int a = 1; a + 1 < argc; a += 2) {
    const std::string arg = argv[a], value = argv[a + 1];
    if (arg == "--port") port = std::stoi(value);
    else if (arg == "--instances") instances = std::stoll(value);
    else if (arg == "--repeat") repeat = std::stoi(value);
    else if (arg == "--shapes") shapes_arg = value;
    else if (arg == "--header") header = std::stoi(value);
    else return Usage();
  }
  if (argc % 2 == 0 || port <= 0 || instances <= 0 || repeat <= 0) return Usage();
  try {
    Connection connection(port);
    const bench::SyntheticArchive archive(instances);
    if (header) {
      std::printf("QIDO-RS (one keep-alive connection to 127.0.0.1:%d), %lld instances, %d "
                  "searches per shape\n",
                  port, static_cast<long long>(instances), repeat);
      bench::PrintClientColumns();
    }
    for (bench::Shape shape : bench::ParseShapes(shapes_arg)) {
      std::vector<double> micros;
      size_t total = 0, empty = 0;
      const int warmup = std::min(repeat, 200);
      const double cpu_before = bench::ProcessCpuMs();
      for (int k = -warmup; k < repeat; ++k) {
        const Search search = ToSearch(bench::MakeQuery(archive, shape, k < 0 ? k + warmup : k));
        const auto start = Clock::now();
        const auto [status, body] = connection.Get(search.target);
        const double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
        if (status != 200 && status != 204) {
          std::fprintf(stderr, "qido_client: %s: HTTP %d: %s\n", search.target.c_str(), status,
                       body.c_str());
          return 1;
        }
        if (k < 0) continue;
        micros.push_back(us);
        const size_t matches = Count(body, search.unique_key);
        total += matches;
        if (matches == 0) ++empty;
      }
      bench::PrintClientRow(shape, std::move(micros), total, empty,
                            (bench::ProcessCpuMs() - cpu_before) / (warmup + repeat));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qido_client: %s\n", e.what());
    return 1;
  }
  return 0;
}
