// HttpServer on loopback: routing through a RequestPipeline, the request
// limits (timeout, header and body size, concurrent requests, connections),
// HTTPS, and listen addresses.

#include "server/http/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <thread>
#include <vector>

#include "server/http/http_tls.h"
#include "server/http/request_pipeline.h"
#include "tests/support/http_client.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_pki.h"

namespace pixeldex::server {
namespace {

int PortOf(const HttpServer& server) {
  const std::string bound = server.BoundAddress();
  return std::stoi(bound.substr(bound.rfind(':') + 1));
}

HttpResponse Answer(unsigned status, const std::string& body) {
  return HttpResponse{status, "text/plain", body};
}

Router TestRoutes() {
  Router routes;
  routes.Add("GET", "/hello", RouteAccess::kPublic,
             [](const HttpRequest&, const PathParams&) { return Answer(200, "hi\n"); });
  routes.Add("GET", "/busy", RouteAccess::kPublic,
             [](const HttpRequest&, const PathParams&) { return Answer(503, "busy\n"); });
  routes.Add("GET", "/broken", RouteAccess::kPublic,
             [](const HttpRequest&, const PathParams&) -> HttpResponse {
               throw std::runtime_error("handler failed");
             });
  routes.Add("GET", "/thrown-int", RouteAccess::kPublic,
             [](const HttpRequest&, const PathParams&) -> HttpResponse { throw 42; });
  routes.Add(
      "POST", "/echo", RouteAccess::kPublic,
      [](const HttpRequest& request, const PathParams&) { return Answer(200, request.body); });
  return routes;
}

// Serves HTTPS with the test PKI's server certificate.
void UseServerCertificate(const testing::TestPki& pki, HttpServerOptions& options) {
  TlsSettings tls;
  tls.certificate = pki.server_certificate();
  tls.private_key = pki.server_key();
  auto context = MakeHttpTlsContext(tls);
  ASSERT_TRUE(context.ok()) << context.status().ToString();
  options.tls = *context;
}

std::unique_ptr<HttpServer> StartServer(HttpServerOptions options = {},
                                        Router routes = TestRoutes()) {
  auto pipeline = std::make_shared<RequestPipeline>(std::move(routes), nullptr, CorsPolicy());
  auto server = HttpServer::Start(
      *ParseListenAddress("127.0.0.1:0"),
      [pipeline](const HttpRequest& request) { return pipeline->Handle(request); }, options);
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return std::move(server).value();
}

// Routes whose answers are StreamedBodies around `file` (of `size` bytes):
// /stream (every size known), /stream-chunked (a produced part), /stream-lie
// (the file announced one byte longer than it is).
Router StreamRoutes(const std::string& file, uint64_t size) {
  Router routes;
  auto streamed = [file](uint64_t announced, bool produced) {
    return [file, announced, produced](const HttpRequest&, const PathParams&) {
      auto body = std::make_shared<StreamedBody>();
      body->AddBytes("<");
      body->AddFile(file, announced);
      if (produced) body->AddProduced([] { return Result<std::string>(std::string("made")); });
      body->AddBytes(">");
      HttpResponse response{200, "application/octet-stream"};
      response.stream = body;
      return response;
    };
  };
  routes.Add("GET", "/stream", RouteAccess::kPublic, streamed(size, false));
  routes.Add("GET", "/stream-chunked", RouteAccess::kPublic, streamed(size, true));
  routes.Add("GET", "/stream-lie", RouteAccess::kPublic, streamed(size + 1, false));
  return routes;
}

// A file of `size` patterned bytes in `dir`; returns its content.
std::string WritePatternFile(const std::string& path, size_t size) {
  std::string content(size, '\0');
  for (size_t i = 0; i < size; ++i) content[i] = static_cast<char>((i * 131) >> 3);
  std::ofstream(path, std::ios::binary) << content;
  return content;
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

// Everything the server sends on `fd` until it closes; closes `fd`.
std::string ReceiveUntilClosed(int fd) {
  std::string received;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0;)
    received.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  return received;
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
  auto reply = testing::HttpRequest(port, "GET", "/hello");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "hi\n");
  EXPECT_EQ(reply.headers["content-type"], "text/plain");
  EXPECT_EQ(testing::HttpRequest(port, "GET", "/busy").status, 503);
  EXPECT_EQ(testing::HttpRequest(port, "GET", "/hello/").status, 404);
  EXPECT_EQ(testing::HttpRequest(port, "PUT", "/hello").status, 405);
  // A handler that throws gets a 500, and the server goes on.
  EXPECT_EQ(testing::HttpRequest(port, "GET", "/broken").status, 500);
  EXPECT_EQ(testing::HttpRequest(port, "GET", "/hello").status, 200);
}

// The handler's catch boundary: even what is not a std::exception becomes a
// 500 for that request, and the server goes on answering others.
TEST(HttpServerTest, SomethingThrownThatIsNotAnExceptionIsA500) {
  auto server = StartServer();
  const int port = PortOf(*server);
  EXPECT_EQ(testing::HttpRequest(port, "GET", "/thrown-int").status, 500);
  EXPECT_EQ(testing::HttpRequest(port, "GET", "/hello").status, 200);
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
    status = testing::HttpRequest(port, "GET", "/hello").status;
  }
  EXPECT_EQ(status, 200);
}

TEST(HttpServerTest, StopIsIdempotentAndFreesThePort) {
  auto server = StartServer();
  const int port = PortOf(*server);
  server->Stop();
  server->Stop();
  server.reset();
  EXPECT_THROW(testing::HttpRequest(port, "GET", "/hello"), std::runtime_error);
}

TEST(HttpServerTest, RefusesAHeadOrBodyOverItsLimitWith413) {
  HttpServerOptions options;
  options.max_header_bytes = 1024;
  options.max_body_bytes = 16;
  auto server = StartServer(options);
  const int port = PortOf(*server);
  EXPECT_EQ(
      testing::HttpRequest(port, "GET", "/hello", {"X-Filler: " + std::string(2000, 'x')}).status,
      413);
  EXPECT_EQ(testing::HttpRequest(port, "POST", "/echo", {}, std::string(17, 'b')).status, 413);
  // A GET has no body to give, whatever the limit.
  EXPECT_EQ(testing::HttpRequest(port, "GET", "/hello", {}, "x").status, 413);
  auto small = testing::HttpRequest(port, "POST", "/echo", {}, std::string(16, 'b'));
  EXPECT_EQ(small.status, 200);
  EXPECT_EQ(small.body, std::string(16, 'b'));
}

// RFC 9110 10.1.1: the interim 100 comes before the client sends the body.
TEST(HttpServerTest, AnswersExpect100ContinueBeforeTheBodyIsSent) {
  HttpServerOptions options;
  options.max_body_bytes = 16;
  auto server = StartServer(options);
  const int fd = Connect(PortOf(*server));
  const std::string head =
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
      "Connection: close\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  std::string interim;
  while (interim.find("\r\n\r\n") == std::string::npos) {
    pollfd pfd{fd, POLLIN, 0};
    ASSERT_GT(::poll(&pfd, 1, 10000), 0) << "no interim answer; got: " << interim;
    char buffer[256];
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    ASSERT_GT(n, 0) << interim;
    interim.append(buffer, static_cast<size_t>(n));
  }
  EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << interim;
  ASSERT_EQ(::send(fd, "hello", 5, MSG_NOSIGNAL), 5);
  const std::string rest = ReceiveUntilClosed(fd);
  EXPECT_EQ(rest.rfind("HTTP/1.1 200", 0), 0u) << rest;
  EXPECT_NE(rest.find("hello"), std::string::npos) << rest;
  // Over the limit: 413 at once, no 100.
  auto big = testing::HttpExchange(PortOf(*server),
                                   "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n"
                                   "Expect: 100-continue\r\n\r\n");
  EXPECT_EQ(big.status, 413);
}

// A server whose POST /stream bodies are read by the route as they arrive
// (BodyStreaming); the route answers "ok" when it read exactly the bytes of
// `bodies` named by the request's X-Body header, else "mismatch"; when the
// body ends early it answers "failed N after B bytes" (N: the BodyFailure).
// POST /refuse answers at once without reading its body. `pieces`, when
// given, counts the pieces the route's reads gave.
std::unique_ptr<HttpServer> StartStreamingServer(const std::map<std::string, std::string>& bodies,
                                                 std::atomic<int>& handled,
                                                 HttpServerOptions options = {},
                                                 std::atomic<size_t>* pieces = nullptr) {
  Router routes = TestRoutes();
  routes.Add("POST", "/stream", RouteAccess::kPublic,
             [&bodies, &handled, pieces](const HttpRequest& request, const PathParams&) {
               ++handled;
               if (!request.body_stream) return Answer(500, "not streamed");
               std::string held;
               std::string_view chunk;
               for (;;) {
                 const Status read = request.body_stream->Read(chunk);
                 if (!read.ok()) {
                   return Answer(200, "failed " +
                                          std::to_string(static_cast<int>(
                                              request.body_stream->failure())) +
                                          " after " + std::to_string(held.size()) + " bytes");
                 }
                 if (chunk.empty()) break;
                 if (pieces != nullptr) ++*pieces;
                 held += chunk;
               }
               return Answer(200, held == bodies.at(request.Header("x-body")) ? "ok" : "mismatch");
             });
  routes.Add("POST", "/refuse", RouteAccess::kPublic,
             [&handled](const HttpRequest&, const PathParams&) {
               ++handled;
               return Answer(403, "refused\n");
             });
  auto pipeline = std::make_shared<RequestPipeline>(std::move(routes), nullptr, CorsPolicy());
  auto server = HttpServer::Bind(*ParseListenAddress("127.0.0.1:0"), options);
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  BodyStreaming streaming{
      [](const std::string& target) { return target == "/stream" || target == "/refuse"; },
      64 << 20};
  (*server)->Serve([pipeline](const HttpRequest& request) { return pipeline->Handle(request); },
                   std::move(streaming));
  return std::move(server).value();
}

std::string StreamRequest(const std::string& name, const std::string& body) {
  return "POST /stream HTTP/1.1\r\nHost: x\r\nX-Body: " + name +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Three read-aheads and a few bytes of patterned bytes: a body the server
// cannot hold whole.
std::string PatternedBody() {
  std::string big(3 * kBodyReadAheadBytes + 17, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 % 251);
  return big;
}

// Sends `requests` on a new connection to `port` while receiving the
// answers (the server reads no further than it can hold), until it closes.
std::string SendWhileReceiving(int port, const std::string& requests) {
  const int fd = Connect(port);
  auto sender = std::async(std::launch::async, [&] {
    return ::send(fd, requests.data(), requests.size(), MSG_NOSIGNAL);
  });
  std::string answers = ReceiveUntilClosed(fd);
  EXPECT_EQ(sender.get(), static_cast<ssize_t>(requests.size()));
  return answers;
}

// A streamed body with a Content-Length is read from the socket in large
// reads, as the route asks: the route must read it exactly, whether it came
// with the head or over many reads (more than the server reads ahead), and
// the request pipelined after it on the same connection is read as a
// request of its own.
TEST(HttpServerTest, StreamsBodiesWholeAndReadsThePipelinedRequestAfterThem) {
  const std::string big = PatternedBody();
  const std::map<std::string, std::string> bodies{{"small", "tiny body"}, {"big", big}};
  std::atomic<int> handled{0};
  auto server = StartStreamingServer(bodies, handled);
  const std::string requests = StreamRequest("small", "tiny body") + StreamRequest("big", big) +
                               "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string answers = SendWhileReceiving(PortOf(*server), requests);
  const size_t first = answers.find("\r\n\r\nok");
  ASSERT_NE(first, std::string::npos) << answers;
  const size_t second = answers.find("\r\n\r\nok", first + 1);
  ASSERT_NE(second, std::string::npos) << answers;
  EXPECT_NE(answers.find("\r\n\r\nhi\n", second), std::string::npos) << answers;
  EXPECT_EQ(answers.find("mismatch"), std::string::npos) << answers;
  EXPECT_EQ(handled.load(), 2);
}

// A chunked body (RFC 9112 7.1) reaches the route decoded.
TEST(HttpServerTest, StreamsAChunkedBodyDecoded) {
  const std::map<std::string, std::string> bodies{{"chunked", "hello, chunked world"}};
  std::atomic<int> handled{0};
  auto server = StartStreamingServer(bodies, handled);
  auto reply = testing::HttpExchange(
      PortOf(*server),
      "POST /stream HTTP/1.1\r\nHost: x\r\nX-Body: chunked\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n7\r\nhello, \r\nd\r\nchunked world\r\n0\r\n\r\n");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "ok");
}

// A chunked body is read from the socket in large reads too: a body of
// three read-aheads, in chunks of 1 byte to more than a buffer (one with a
// chunk extension) and a trailer, reaches the route exactly, in pieces of
// kilobytes (Beast's own reads gave 512 bytes each), and the request
// pipelined after it is answered.
TEST(HttpServerTest, StreamsAChunkedBodyInLargeReads) {
  const std::string big = PatternedBody();
  const size_t sizes[] = {1, 100, 4096, 70000, kBodyReadBytes + 3};
  std::string coded;
  for (size_t at = 0, i = 0; at < big.size(); ++i) {
    const size_t n = std::min(sizes[i % std::size(sizes)], big.size() - at);
    char size_line[32];
    std::snprintf(size_line, sizeof(size_line), "%zx%s\r\n", n, i == 2 ? ";ext=1" : "");
    coded += size_line + big.substr(at, n) + "\r\n";
    at += n;
  }
  coded += "0\r\nX-Trailer: t\r\n\r\n";
  const std::map<std::string, std::string> bodies{{"big", big}};
  std::atomic<int> handled{0};
  std::atomic<size_t> pieces{0};
  auto server = StartStreamingServer(bodies, handled, {}, &pieces);
  const std::string requests =
      "POST /stream HTTP/1.1\r\nHost: x\r\nX-Body: big\r\nTransfer-Encoding: chunked\r\n\r\n" +
      coded + "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string answers = SendWhileReceiving(PortOf(*server), requests);
  const size_t first = answers.find("\r\n\r\nok");
  ASSERT_NE(first, std::string::npos) << answers.substr(0, 300);
  EXPECT_NE(answers.find("\r\n\r\nhi\n", first), std::string::npos) << answers;
  EXPECT_EQ(handled.load(), 1);
  EXPECT_LT(pieces.load(), big.size() / 4096);
}

// A streamed body that ends before its Content-Length: the route's read
// fails (the connection closed) after the bytes that came, and its answer
// still reaches a peer that only stopped sending.
TEST(HttpServerTest, AStreamedBodyShorterThanItsContentLengthFailsTheRoutesRead) {
  const std::map<std::string, std::string> bodies{{"cut", std::string(1000, 'c')}};
  std::atomic<int> handled{0};
  auto server = StartStreamingServer(bodies, handled);
  const std::string cut =
      "POST /stream HTTP/1.1\r\nHost: x\r\nX-Body: cut\r\nContent-Length: 1000\r\n\r\n" +
      std::string(600, 'c');
  const int fd = Connect(PortOf(*server));
  ASSERT_EQ(::send(fd, cut.data(), cut.size(), MSG_NOSIGNAL), static_cast<ssize_t>(cut.size()));
  ::shutdown(fd, SHUT_WR);
  const std::string answer = ReceiveUntilClosed(fd);
  EXPECT_NE(answer.find("failed " + std::to_string(static_cast<int>(BodyFailure::kClosed)) +
                        " after 600 bytes"),
            std::string::npos)
      << answer;
  EXPECT_EQ(handled.load(), 1);
}

// A route that answers without reading the body: a client that waits for
// "100 Continue" gets the final answer instead and never sends its body;
// the connection closes after the answer.
TEST(HttpServerTest, ABodyTheRouteRefusesIsNeverAskedFor) {
  const std::map<std::string, std::string> bodies;
  std::atomic<int> handled{0};
  auto server = StartStreamingServer(bodies, handled);
  const int fd = Connect(PortOf(*server));
  const std::string head =
      "POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n"
      "Expect: 100-continue\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  const std::string answer = ReceiveUntilClosed(fd);
  EXPECT_EQ(answer.rfind("HTTP/1.1 403", 0), 0u) << answer;
  EXPECT_EQ(answer.find("100 Continue"), std::string::npos) << answer;
  EXPECT_EQ(handled.load(), 1);
}

// A streamed body that stops arriving: the route's read fails with the
// timeout (the route answers; for STOW-RS that is a 408).
TEST(HttpServerTest, AStalledStreamedBodyTimesOutTheRoutesRead) {
  HttpServerOptions options;
  options.request_timeout = std::chrono::milliseconds(200);
  const std::map<std::string, std::string> bodies{{"stall", std::string(1000, 's')}};
  std::atomic<int> handled{0};
  auto server = StartStreamingServer(bodies, handled, options);
  const std::string stalled =
      "POST /stream HTTP/1.1\r\nHost: x\r\nX-Body: stall\r\nContent-Length: 1000\r\n\r\n" +
      std::string(10, 's');
  const int fd = Connect(PortOf(*server));
  ASSERT_EQ(::send(fd, stalled.data(), stalled.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(stalled.size()));
  const std::string answer = ReceiveUntilClosed(fd);
  EXPECT_NE(answer.find("failed " + std::to_string(static_cast<int>(BodyFailure::kTimedOut)) +
                        " after 10 bytes"),
            std::string::npos)
      << answer;
}

TEST(HttpServerTest, AnswersAnIncompleteRequest408AfterTheTimeout) {
  HttpServerOptions options;
  options.request_timeout = std::chrono::milliseconds(200);
  auto server = StartServer(options);
  auto reply = testing::HttpExchange(PortOf(*server), "GET /hello HTTP/1.1\r\nHost: x\r\n");
  EXPECT_EQ(reply.status, 408);
  EXPECT_EQ(testing::HttpRequest(PortOf(*server), "GET", "/hello").status, 200);
}

TEST(HttpServerTest, AnswersRequestsBeyondTheConcurrencyLimitWith429) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Router routes = TestRoutes();
  routes.Add("GET", "/slow", RouteAccess::kPublic, [&](const HttpRequest&, const PathParams&) {
    entered.set_value();
    released.wait();
    return Answer(200, "done\n");
  });
  HttpServerOptions options;
  options.max_concurrent_requests = 1;
  auto server = StartServer(options, std::move(routes));
  const int port = PortOf(*server);
  auto slow =
      std::async(std::launch::async, [port] { return testing::HttpRequest(port, "GET", "/slow"); });
  entered.get_future().wait();
  // The one handler slot is taken: a second request is refused, not queued.
  auto refused = testing::HttpRequest(port, "GET", "/hello");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.headers["retry-after"], "1");
  release.set_value();
  EXPECT_EQ(slow.get().status, 200);
  EXPECT_EQ(testing::HttpRequest(port, "GET", "/hello").status, 200);
}

TEST(HttpServerTest, ServesHttpsWithTheTlsCertificate) {
  testing::TestPki pki;
  HttpServerOptions options;
  ASSERT_NO_FATAL_FAILURE(UseServerCertificate(pki, options));
  auto server = StartServer(options);
  const std::string url = "https://localhost:" + std::to_string(PortOf(*server)) + "/hello";
  auto curl =
      testing::RunProcess({"curl", "-sS", "--cacert", pki.ca_certificate(), "--resolve",
                           "localhost:" + std::to_string(PortOf(*server)) + ":127.0.0.1", url});
  EXPECT_EQ(curl.exit_code, 0) << curl.output;
  EXPECT_EQ(curl.output, "hi\n");
  // TLS 1.1 is refused (BCP 195).
  auto old = testing::RunProcess(
      {"curl", "-sS", "--cacert", pki.ca_certificate(), "--tlsv1.1", "--tls-max", "1.1",
       "--resolve", "localhost:" + std::to_string(PortOf(*server)) + ":127.0.0.1", url});
  EXPECT_NE(old.exit_code, 0) << old.output;
  // Plain HTTP on the TLS port gets no answer.
  EXPECT_EQ(testing::HttpRequest(PortOf(*server), "GET", "/hello").status, 0);
}

// A streamed body goes out in chunks: with its Content-Length when every
// size is known, chunked otherwise; HEAD gets the head alone; a part that
// fails midway ends the connection, so the message is visibly incomplete.
TEST(HttpServerTest, StreamsBodiesInChunks) {
  testing::TempDir dir;
  const std::string content = WritePatternFile(dir / "big", 3 * 256 * 1024 + 17);
  auto server = StartServer({}, StreamRoutes(dir / "big", content.size()));
  auto sized = testing::HttpRequest(PortOf(*server), "GET", "/stream");
  EXPECT_EQ(sized.status, 200);
  EXPECT_EQ(sized.headers["content-length"], std::to_string(content.size() + 2));
  EXPECT_FALSE(sized.truncated);
  EXPECT_TRUE(sized.body == "<" + content + ">");
  auto chunked = testing::HttpRequest(PortOf(*server), "GET", "/stream-chunked");
  EXPECT_EQ(chunked.headers["transfer-encoding"], "chunked");
  EXPECT_FALSE(chunked.truncated);
  EXPECT_TRUE(chunked.body == "<" + content + "made>");
  auto head = testing::HttpRequest(PortOf(*server), "HEAD", "/stream");
  EXPECT_EQ(head.headers["content-length"], std::to_string(content.size() + 2));
  EXPECT_TRUE(head.body.empty());
  auto lie = testing::HttpRequest(PortOf(*server), "GET", "/stream-lie");
  EXPECT_EQ(lie.status, 200);
  EXPECT_TRUE(lie.truncated);
  // The server still answers.
  EXPECT_EQ(testing::HttpRequest(PortOf(*server), "GET", "/stream").status, 200);
}

// After a streamed answer the connection serves the next request (curl
// reuses one connection for both URLs and says so).
TEST(HttpServerTest, KeepsTheConnectionAfterAStreamedAnswer) {
  testing::TempDir dir;
  const std::string content = WritePatternFile(dir / "big", 300 * 1024);
  auto server = StartServer({}, StreamRoutes(dir / "big", content.size()));
  const std::string base = "http://127.0.0.1:" + std::to_string(PortOf(*server));
  auto curl = testing::RunProcess({"curl", "-sS", "-v", "-o", dir / "one", "-o", dir / "two",
                                   base + "/stream-chunked", base + "/stream"});
  EXPECT_EQ(curl.exit_code, 0) << curl.output;
  EXPECT_NE(curl.output.find("Re-using existing connection"), std::string::npos) << curl.output;
  std::ifstream one(dir / "one", std::ios::binary), two(dir / "two", std::ios::binary);
  EXPECT_TRUE(std::string((std::istreambuf_iterator<char>(one)), {}) == "<" + content + "made>");
  EXPECT_TRUE(std::string((std::istreambuf_iterator<char>(two)), {}) == "<" + content + ">");
}

TEST(HttpServerTest, StreamsBodiesOverTls) {
  testing::TestPki pki;
  testing::TempDir dir;
  const std::string content = WritePatternFile(dir / "big", 2 * 256 * 1024 + 5);
  HttpServerOptions options;
  ASSERT_NO_FATAL_FAILURE(UseServerCertificate(pki, options));
  auto server = StartServer(options, StreamRoutes(dir / "big", content.size()));
  const std::string port = std::to_string(PortOf(*server));
  for (const std::string path : {"/stream", "/stream-chunked"}) {
    const std::string out = dir / "out";
    auto curl = testing::RunProcess(
        {"curl", "-sS", "--fail", "-o", out, "--cacert", pki.ca_certificate(), "--resolve",
         "localhost:" + port + ":127.0.0.1", "https://localhost:" + port + path});
    EXPECT_EQ(curl.exit_code, 0) << curl.output;
    std::ifstream in(out, std::ios::binary);
    const std::string received((std::istreambuf_iterator<char>(in)), {});
    EXPECT_TRUE(received == "<" + content + (path == "/stream" ? ">" : "made>")) << path;
  }
}

// Streamed request bodies over TLS (a socket read gives a TLS record, not
// all the socket holds): a body of three read-aheads, chunked and with a
// Content-Length, sent by curl, reaches the route exactly.
TEST(HttpServerTest, StreamsRequestBodiesOverTls) {
  testing::TestPki pki;
  testing::TempDir dir;
  const std::string big = PatternedBody();
  std::ofstream(dir / "body", std::ios::binary) << big;
  const std::map<std::string, std::string> bodies{{"big", big}};
  std::atomic<int> handled{0};
  HttpServerOptions options;
  ASSERT_NO_FATAL_FAILURE(UseServerCertificate(pki, options));
  auto server = StartStreamingServer(bodies, handled, options);
  const std::string port = std::to_string(PortOf(*server));
  for (const bool chunked : {true, false}) {
    std::vector<std::string> args{"curl", "-sS", "--fail", "-X", "POST", "-T", dir / "body",
                                  "-H", "X-Body: big", "--cacert", pki.ca_certificate(),
                                  "--resolve", "localhost:" + port + ":127.0.0.1"};
    if (chunked) args.insert(args.end(), {"-H", "Transfer-Encoding: chunked"});
    args.push_back("https://localhost:" + port + "/stream");
    auto curl = testing::RunProcess(args);
    EXPECT_EQ(curl.exit_code, 0) << curl.output;
    EXPECT_EQ(curl.output, "ok") << (chunked ? "chunked" : "Content-Length");
  }
  EXPECT_EQ(handled.load(), 2);
}

TEST(HttpTlsTest, NamesAMissingOrMismatchedKey) {
  testing::TestPki pki;
  TlsSettings tls;
  EXPECT_FALSE(MakeHttpTlsContext(tls).ok());
  tls.certificate = pki.server_certificate();
  tls.private_key = pki.client_key();
  auto mismatched = MakeHttpTlsContext(tls);
  ASSERT_FALSE(mismatched.ok());
  EXPECT_NE(mismatched.status().message().find("tls.private_key"), std::string::npos);
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
