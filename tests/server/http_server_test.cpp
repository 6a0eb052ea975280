// HttpServer on loopback: routing, the request timeout, the connection
// limit, and listen addresses.

#include "server/http/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "tests/support/http_client.h"

namespace pixeldex::server {
namespace {

using testing::HttpRequest;

int PortOf(const HttpServer& server) {
  const std::string bound = server.BoundAddress();
  return std::stoi(bound.substr(bound.rfind(':') + 1));
}

std::unique_ptr<HttpServer> StartServer(HttpServerOptions options = {}) {
  HttpRoutes routes;
  routes["/hello"] = [] { return HttpResponse{200, "text/plain", "hi\n"}; };
  routes["/busy"] = [] { return HttpResponse{503, "text/plain", "busy\n"}; };
  routes["/broken"] = []() -> HttpResponse { throw std::runtime_error("handler failed"); };
  routes["/thrown-int"] = []() -> HttpResponse { throw 42; };
  auto server = HttpServer::Start(*ParseListenAddress("127.0.0.1:0"), routes, options);
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return std::move(server).value();
}

// Connects to `port` and returns the socket.
int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  return fd;
}

// True when the server closes `fd` (EOF) within `timeout_ms`.
bool ClosedWithin(int fd, int timeout_ms) {
  pollfd pfd{fd, POLLIN, 0};
  if (::poll(&pfd, 1, timeout_ms) <= 0) return false;
  char c;
  return ::recv(fd, &c, 1, 0) == 0;
}

TEST(HttpServerTest, AnswersRoutesWithTheirStatusAndBody) {
  auto server = StartServer();
  const int port = PortOf(*server);
  auto reply = HttpRequest(port, "GET", "/hello");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "hi\n");
  EXPECT_EQ(reply.headers["content-type"], "text/plain");
  EXPECT_EQ(HttpRequest(port, "GET", "/busy").status, 503);
  EXPECT_EQ(HttpRequest(port, "GET", "/hello/").status, 404);
  EXPECT_EQ(HttpRequest(port, "PUT", "/hello").status, 405);
  // A handler that throws gets a 500, and the server goes on.
  EXPECT_EQ(HttpRequest(port, "GET", "/broken").status, 500);
  EXPECT_EQ(HttpRequest(port, "GET", "/hello").status, 200);
}

// The thread's catch boundary: what escapes a handler ends that connection
// (no answer), and the server goes on answering others.
TEST(HttpServerTest, SomethingThrownPastTheRouteBoundaryEndsOnlyItsConnection) {
  auto server = StartServer();
  const int port = PortOf(*server);
  EXPECT_EQ(HttpRequest(port, "GET", "/thrown-int").status, 0);
  EXPECT_EQ(HttpRequest(port, "GET", "/hello").status, 200);
}

TEST(HttpServerTest, ClosesAConnectionThatSendsNothingAfterTheTimeout) {
  HttpServerOptions options;
  options.request_timeout = std::chrono::milliseconds(200);
  auto server = StartServer(options);
  const int fd = Connect(PortOf(*server));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(ClosedWithin(fd, 5000));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
  ::close(fd);
}

TEST(HttpServerTest, RefusesConnectionsBeyondTheLimitAndServesAgainAfter) {
  HttpServerOptions options;
  options.max_connections = 2;
  auto server = StartServer(options);
  const int port = PortOf(*server);
  const int a = Connect(port), b = Connect(port);
  // Both are being served (waiting for a request) once a third is refused.
  const int c = Connect(port);
  EXPECT_TRUE(ClosedWithin(c, 5000));
  ::close(c);
  ::close(a);
  ::close(b);
  // The closed connections are noticed (EOF on read) and freed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (status != 200 && std::chrono::steady_clock::now() < deadline) {
    status = HttpRequest(port, "GET", "/hello").status;
  }
  EXPECT_EQ(status, 200);
}

TEST(HttpServerTest, StopIsIdempotentAndFreesThePort) {
  auto server = StartServer();
  const int port = PortOf(*server);
  server->Stop();
  server->Stop();
  server.reset();
  EXPECT_THROW(HttpRequest(port, "GET", "/hello"), std::runtime_error);
}

TEST(ListenAddressTest, ParsesHostAndPortForms) {
  auto a = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  auto any = ParseListenAddress(":0");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->host, "0.0.0.0");
  auto v6 = ParseListenAddress("[::1]:9");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  for (const char* bad : {"8080", "localhost:80", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:-1",
                          "1.2.3.4:80x", "[::1]"}) {
    EXPECT_FALSE(ParseListenAddress(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace pixeldex::server
