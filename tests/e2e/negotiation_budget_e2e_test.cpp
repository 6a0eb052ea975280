// End-to-end: connections that never send their A-ASSOCIATE-RQ cannot stop
// DICOM service (issue 13, finding 3). Each port has its own negotiation
// budget, one peer address holds at most network.max_negotiating_per_peer of
// it, a request must arrive within network.associate_request_timeout, and
// /healthz says 503 while a port's budget is exhausted.
// Silent peers come from 127.0.0.2, a second loopback address; the clients
// that must still be served come from 127.0.0.1.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/http_client.h"
#include "tests/support/raw_store_client.h"
#include "tests/support/test_pki.h"

namespace pixeldex::testing {
namespace {

constexpr const char* kAttacker = "127.0.0.2";

// Opens `count` silent connections from kAttacker to `port`.
std::vector<int> OpenSilent(int port, int count) {
  std::vector<int> fds;
  for (int i = 0; i < count; ++i) {
    const int fd = ConnectLoopback(port, kAttacker);
    EXPECT_GE(fd, 0) << "connection " << i;
    if (fd >= 0) fds.push_back(fd);
  }
  return fds;
}

void CloseAll(std::vector<int>& fds) {
  for (int fd : fds) ::close(fd);
  fds.clear();
}

// Waits (bounded) until the server has closed `count` of `fds`; returns the
// ones still open.
std::vector<int> WaitUntilClosed(std::vector<int>& fds, size_t count, int timeout_ms) {
  std::vector<int> open = fds;
  std::vector<int> closed;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (closed.size() < count && std::chrono::steady_clock::now() < deadline) {
    for (auto it = open.begin(); it != open.end();) {
      if (PeerClosedWithin(*it, 10)) {
        closed.push_back(*it);
        it = open.erase(it);
      } else {
        ++it;
      }
    }
  }
  return open;
}

// GET /healthz until its status is `status` (bounded); the last reply.
HttpReply HealthzUntil(int http_port, int status) {
  HttpReply reply;
  for (int attempt = 0; attempt < 600; ++attempt) {
    reply = HttpRequest(http_port, "GET", "/healthz");
    if (reply.status == status) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll, bounded above
  }
  return reply;
}

class NegotiationBudgetE2eTest : public ServerTest {
 protected:
  // Long enough that no silent connection times out during a test: what is
  // closed was refused by a budget.
  virtual int RequestTimeout() const { return 120; }
  virtual int MaxAssociations() const { return 64; }
  std::vector<std::string> ServerArgs() const override {
    std::vector<std::string> args = pki_->ServerArgs("none");
    const std::vector<std::string> limits = {
        "--http", "127.0.0.1:0", "--set", "network.acse_timeout=300", "--set",
        "network.max_associations=" + std::to_string(MaxAssociations()), "--set",
        "network.associate_request_timeout=" + std::to_string(RequestTimeout())};
    args.insert(args.end(), limits.begin(), limits.end());
    return args;
  }
  bool ServerSpeaksTls() const override { return true; }
  void TearDown() override { CloseAll(silent_); }

  ProcessResult PlainEcho() const {
    return RunProcess({"echoscu", "-aec", "PIXELDEX", "127.0.0.1", server_->port_string()},
                      FastClientEnv());
  }
  ProcessResult TlsEcho() const {
    std::vector<std::string> argv = {"echoscu", "-aec", "PIXELDEX"};
    for (const auto& a : pki_->ClientArgs(pki_->client_key(), pki_->client_certificate())) {
      argv.push_back(a);
    }
    argv.push_back("127.0.0.1");
    argv.push_back(server_->tls_port_string());
    return RunProcess(argv, FastClientEnv());
  }

  const TestPki* const pki_ = &SharedTestPki();
  std::vector<int> silent_;
};

TEST_F(NegotiationBudgetE2eTest, OneAddressCannotTakeMoreThanItsShareOfAPort) {
  // As many silent connections as the port has slots, all from one address:
  // the first 16 (network.max_negotiating_per_peer) are admitted, the others
  // closed as soon as they are accepted.
  silent_ = OpenSilent(server_->port(), 64);
  ASSERT_EQ(silent_.size(), 64u);
  const std::vector<int> still_open = WaitUntilClosed(silent_, 64 - 16, 120000);
  ASSERT_EQ(still_open.size(), 16u) << server_->Log();
  EXPECT_TRUE(server_->WaitForLog("connection from 127.0.0.2 refused")) << server_->Log();

  // Another caller is served on the same port while the admitted ones still
  // hold their slots (they are only dropped after the request timeout).
  auto echo = PlainEcho();
  EXPECT_EQ(echo.exit_code, 0) << echo.output << server_->Log();
  for (int fd : still_open) EXPECT_FALSE(PeerClosedWithin(fd, 0)) << "dropped before the echo";
  EXPECT_EQ(HttpRequest(server_->http_port(), "GET", "/healthz").status, 200);
}

class SaturatedPortE2eTest : public NegotiationBudgetE2eTest {
 protected:
  int MaxAssociations() const override { return 4; }
};

TEST_F(SaturatedPortE2eTest, TlsPortServesAndHealthzSaysSoWhileThePlainPortIsSaturated) {
  // Four silent connections fill the plain port's four slots (one address
  // may hold them all: its share is capped by max_associations).
  silent_ = OpenSilent(server_->port(), 4);
  const HttpReply saturated = HealthzUntil(server_->http_port(), 503);
  EXPECT_EQ(saturated.status, 503) << server_->Log();
  EXPECT_NE(saturated.body.find("negotiation slots of the DICOM port"), std::string::npos)
      << saturated.body;

  // The TLS port has its own budget.
  auto tls = TlsEcho();
  EXPECT_EQ(tls.exit_code, 0) << tls.output << server_->Log();
  EXPECT_EQ(HttpRequest(server_->http_port(), "GET", "/healthz").status, 503)
      << "the plain port was freed before the TLS echo was answered: nothing shown";

  // The TLS association holds one of the four association slots until its
  // thread has ended it, which may come after echoscu has exited.
  EXPECT_TRUE(server_->WaitForLog("ended (released)")) << server_->Log();

  // The silent peers go away: the plain port serves again, /healthz is ok.
  CloseAll(silent_);
  EXPECT_EQ(HealthzUntil(server_->http_port(), 200).status, 200) << server_->Log();
  auto plain = PlainEcho();
  EXPECT_EQ(plain.exit_code, 0) << plain.output << server_->Log();
}

class RequestTimeoutE2eTest : public NegotiationBudgetE2eTest {
 protected:
  int RequestTimeout() const override { return 2; }
};

TEST_F(RequestTimeoutE2eTest, SilentAndTricklingPeersAreClosedLongBeforeTheAcseTimeout) {
  // network.acse_timeout is 300 s and each read below succeeds within it:
  // only the 2 s request deadline can close these connections.
  const auto start = std::chrono::steady_clock::now();
  silent_ = OpenSilent(server_->port(), 1);
  const int trickling = ConnectLoopback(server_->port(), kAttacker);
  ASSERT_GE(trickling, 0);
  silent_.push_back(trickling);
  // An A-ASSOCIATE-RQ PDU header announcing 1000 bytes, then one byte every
  // 200 ms: a request that would never complete within the ACSE timeout.
  ASSERT_EQ(::send(trickling, "\x01\x00\x00\x00\x03\xe8", 6, MSG_NOSIGNAL), 6);
  bool trickler_closed = false;
  for (int i = 0; i < 600 && !trickler_closed; ++i) {
    trickler_closed = PeerClosedWithin(trickling, 200);
    if (!trickler_closed) ::send(trickling, "\x00", 1, MSG_NOSIGNAL);
  }
  EXPECT_TRUE(trickler_closed) << server_->Log();
  EXPECT_TRUE(PeerClosedWithin(silent_.front(), 60000)) << server_->Log();
  EXPECT_TRUE(server_->WaitForLog("connection from 127.0.0.2 closed: no association request"))
      << server_->Log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(150))
      << "closed by the ACSE timeout, not the request deadline";
  auto echo = PlainEcho();
  EXPECT_EQ(echo.exit_code, 0) << echo.output << server_->Log();
}

}  // namespace
}  // namespace pixeldex::testing
