// End-to-end: the TCP_NODELAY guarantee, small images at hundreds per second,
// on the plain port and on the TLS port.
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

  // Pushes kImages small images with storescu `client_args` to `port`;
  // returns the rate in instances per second.
  double PushSmallImages(const std::vector<std::string>& client_args, int port) {
    std::vector<std::string> argv = {"storescu", "-aet", "MODALITY", "-aec", "PIXELDEX"};
    argv.insert(argv.end(), client_args.begin(), client_args.end());
    argv.push_back("127.0.0.1");
    argv.push_back(std::to_string(port));
    TestInstance t;
    t.rows = t.columns = 8;
    const std::vector<std::string> files = MakeInstances(t, kImages, "small");
    argv.insert(argv.end(), files.begin(), files.end());
    const auto start = std::chrono::steady_clock::now();
    auto r = RunProcess(argv, FastClientEnv());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), kImages);
    std::printf("%d small images in %.2f s (%.0f/s)\n", kImages, seconds, kImages / seconds);
    return kImages / seconds;
  }
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

}  // namespace
}  // namespace pixeldex::testing
