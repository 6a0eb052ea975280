// End-to-end: the TCP_NODELAY guarantee, small images at hundreds per second,
// on the plain port and on the TLS port; and quick ACKs: a sender that leaves
// Nagle's algorithm on keeps pace with one that disables it.
// Registered RUN_SERIAL so that other tests do not compete for the two cores.

#include <chrono>
#include <cstdio>
#include <memory>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_pki.h"

namespace pixeldex::testing {
namespace {

constexpr int kImages = 300;

// Small images over one association: with Nagle's algorithm left on, each
// DIMSE exchange waits ~40 ms for a delayed ACK (~25 instances/s at best).
// The server runs with TCP_NODELAY=0 in its environment to prove it sets the
// option itself.
class NoDelayE2eTest : public ServerTest {
 protected:
  void StartServer(const std::vector<std::string>& extra_args, bool tls) {
    ServerProcess::Options options;
    options.storage = dir_ / "storage";
    options.index = dir_ / "index.db";
    options.log_file = dir_ / "server.log";
    options.extra_args = {"--no-thumbnails"};
    options.extra_args.insert(options.extra_args.end(), extra_args.begin(), extra_args.end());
    options.env = {{"TCP_NODELAY", "0"}};
    options.expect_tls = tls;
    server_ = ServerProcess::Start(options);
  }
  void SetUp() override {}

  // Pushes `count` fresh small images with storescu `client_args` to `port`,
  // storescu's TCP_NODELAY environment variable set to `client_nodelay`
  // ("0": Nagle left on, as DCMTK-based senders and PACS are by default);
  // returns the rate in instances per second.
  double PushSmallImages(const std::vector<std::string>& client_args, int port, int count = kImages,
                         const std::string& client_nodelay = "1") {
    std::vector<std::string> argv = {"storescu", "-aet", "MODALITY", "-aec", "PIXELDEX"};
    argv.insert(argv.end(), client_args.begin(), client_args.end());
    argv.push_back("127.0.0.1");
    argv.push_back(std::to_string(port));
    TestInstance t;
    t.rows = t.columns = 8;
    const std::vector<std::string> files =
        MakeInstances(t, count, "small" + std::to_string(pushed_) + "-");
    argv.insert(argv.end(), files.begin(), files.end());
    const auto start = std::chrono::steady_clock::now();
    auto r = RunProcess(argv, {{"TCP_NODELAY", client_nodelay}});
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    pushed_ += count;
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), pushed_);
    std::printf("%d small images, sender TCP_NODELAY=%s, in %.2f s (%.0f/s)\n", count,
                client_nodelay.c_str(), seconds, count / seconds);
    return count / seconds;
  }

  // The rate of a sender that leaves Nagle on, as a fraction of the same
  // sender's with TCP_NODELAY: 2 x 50 images each way, alternating, so that
  // a burst of load on the shared machine falls on both modes alike.
  double NagleToNoDelayRatio(const std::vector<std::string>& client_args, int port) {
    constexpr int kPerPush = 50;
    double nagle_seconds = 0;
    double nodelay_seconds = 0;
    for (int round = 0; round < 2; ++round) {
      nagle_seconds += kPerPush / PushSmallImages(client_args, port, kPerPush, "0");
      nodelay_seconds += kPerPush / PushSmallImages(client_args, port, kPerPush, "1");
    }
    return nodelay_seconds / nagle_seconds;
  }

  int pushed_ = 0;
};

// A Nagle-stalled exchange allows at most 25/s (18/s measured); a healthy
// push reaches ~330/s on a quiet 2-core machine. The bound sits at twice the
// stalled rate so that an fsync-heavy, loaded machine does not flake.
constexpr double kMinRate = 50.0;

TEST_F(NoDelayE2eTest, ThreeHundredSmallImagesRunAtHundredsPerSecond) {
  StartServer({}, false);
  EXPECT_GT(PushSmallImages({}, server_->port()), kMinRate);
}

TEST_F(NoDelayE2eTest, OverTlsToo) {
  TestPki pki;
  StartServer(pki.ServerArgs("require"), true);
  EXPECT_GT(PushSmallImages(pki.ClientArgs(pki.client_key(), pki.client_certificate()),
                            server_->tls_port()),
            kMinRate);
}

// Without quick ACKs a Nagle sender is held ~40 ms per exchange by our
// delayed ACKs: ~0.1x of the TCP_NODELAY rate on a quiet machine (22/s vs
// 272/s measured with dcmsend), 0.36-0.38x on a loaded one where fsync makes
// each instance slow anyway (13/s vs 36/s, re-arming removed). With them the
// two are alike (0.82-1.1x measured loaded); bench/ingest_bench.sh asserts
// the real target (0.8x). Half is asserted here because the two modes are
// timed a second apart on a shared 2-core machine whose load can swing one
// of them.
constexpr double kMinNagleRatio = 0.5;

TEST_F(NoDelayE2eTest, SenderThatLeavesNagleOnKeepsPace) {
  StartServer({}, false);
  EXPECT_GE(NagleToNoDelayRatio({}, server_->port()), kMinNagleRatio);
}

TEST_F(NoDelayE2eTest, SenderThatLeavesNagleOnKeepsPaceOverTls) {
  TestPki pki;
  StartServer(pki.ServerArgs("require"), true);
  EXPECT_GE(NagleToNoDelayRatio(pki.ClientArgs(pki.client_key(), pki.client_certificate()),
                                server_->tls_port()),
            kMinNagleRatio);
}

}  // namespace
}  // namespace pixeldex::testing
