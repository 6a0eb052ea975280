// End-to-end: the TCP_NODELAY guarantee, a server that sets the option itself
// keeps pace with one DCMTK sets it for, on the plain port and on the TLS
// port; and quick ACKs: a sender that leaves Nagle's algorithm on keeps pace
// with one that disables it. Only same-run ratios are asserted, never a rate.
// Registered RUN_SERIAL so that other tests do not compete for the two cores.

#include <chrono>
#include <cstdio>
#include <memory>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_pki.h"

namespace pixeldex::testing {
namespace {

// Small images over one association: with Nagle's algorithm left on, each
// DIMSE exchange waits ~40 ms for a delayed ACK (~25 instances/s at best).
// A server runs with TCP_NODELAY=0 in its environment to prove it sets the
// option itself.
class NoDelayE2eTest : public ServerTest {
 protected:
  // One server with its own archive below dir_/<name>.
  struct Archive {
    std::unique_ptr<ServerProcess> server;
    std::string index;
    int pushed = 0;
  };
  // Starts a server whose environment holds TCP_NODELAY=`server_nodelay`
  // ("0": DCMTK leaves Nagle on unless pixeldex sets the option itself).
  Archive StartServer(const std::string& name, const std::vector<std::string>& extra_args,
                      bool tls, const std::string& server_nodelay = "0") {
    ServerProcess::Options options;
    options.storage = dir_ / (name + "-storage");
    options.index = dir_ / (name + "-index.db");
    options.log_file = dir_ / (name + "-server.log");
    options.extra_args = {"--no-thumbnails"};
    options.extra_args.insert(options.extra_args.end(), extra_args.begin(), extra_args.end());
    options.env = {{"TCP_NODELAY", server_nodelay}};
    options.expect_tls = tls;
    return Archive{ServerProcess::Start(options), options.index};
  }
  void SetUp() override {}

  // Pushes `count` fresh small images with storescu `client_args` to `port`
  // of `archive`, storescu's TCP_NODELAY environment variable set to
  // `client_nodelay` ("0": Nagle left on, as DCMTK-based senders and PACS are
  // by default); returns the rate in instances per second.
  double PushSmallImages(Archive& archive, const std::vector<std::string>& client_args, int port,
                         int count, const std::string& client_nodelay = "1") {
    std::vector<std::string> argv = {"storescu", "-aet", "MODALITY", "-aec", "PIXELDEX"};
    argv.insert(argv.end(), client_args.begin(), client_args.end());
    argv.push_back("127.0.0.1");
    argv.push_back(std::to_string(port));
    TestInstance t;
    t.rows = t.columns = 8;
    const std::vector<std::string> files =
        MakeInstances(t, count, "small" + std::to_string(files_made_) + "-");
    files_made_ += count;
    argv.insert(argv.end(), files.begin(), files.end());
    const auto start = std::chrono::steady_clock::now();
    auto r = RunProcess(argv, {{"TCP_NODELAY", client_nodelay}});
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    archive.pushed += count;
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(IndexProbe(archive.index).Count("SELECT count(*) FROM instances"), archive.pushed);
    std::printf("%d small images, sender TCP_NODELAY=%s, in %.2f s (%.0f/s)\n", count,
                client_nodelay.c_str(), seconds, count / seconds);
    return count / seconds;
  }

  // The rate of `measured`'s sender (TCP_NODELAY=`measured_client`) as a
  // fraction of `reference`'s (TCP_NODELAY=1): after an untimed push to each
  // (a fresh server's first association and index pages), 2 x 50 images
  // each, alternating and each going first once, so that a burst of load on
  // the shared machine falls on both alike and only their ratio is
  // asserted, never a rate.
  double RateRatio(Archive& measured, int measured_port, const std::string& measured_client,
                   Archive& reference, int reference_port,
                   const std::vector<std::string>& client_args) {
    constexpr int kWarmUp = 10;
    constexpr int kPerPush = 50;
    PushSmallImages(measured, client_args, measured_port, kWarmUp, measured_client);
    PushSmallImages(reference, client_args, reference_port, kWarmUp, "1");
    double measured_seconds = 0;
    double reference_seconds = 0;
    const auto measure = [&] {
      measured_seconds +=
          kPerPush / PushSmallImages(measured, client_args, measured_port, kPerPush,
                                     measured_client);
    };
    const auto refer = [&] {
      reference_seconds +=
          kPerPush / PushSmallImages(reference, client_args, reference_port, kPerPush, "1");
    };
    measure();
    refer();
    refer();
    measure();
    return reference_seconds / measured_seconds;
  }

  int files_made_ = 0;
};

// The server sets TCP_NODELAY itself: started with TCP_NODELAY=0 in its
// environment it keeps pace with a reference server whose environment lets
// DCMTK set the option (TCP_NODELAY=1), both timed in the same run. Were
// the option not set, its exchanges would stall on delayed ACKs: at most
// 25/s against ~330/s on a quiet 2-core machine (~0.08x), 0.36x measured on
// a loaded one where fsync makes every instance slow anyway. Half is
// asserted, as for the Nagle senders below.
constexpr double kMinServerRatio = 0.5;

TEST_F(NoDelayE2eTest, ServerSetsNoDelayItselfAndKeepsPaceWithDcmtksOwn) {
  Archive own = StartServer("own", {}, false, "0");
  Archive reference = StartServer("reference", {}, false, "1");
  EXPECT_GE(RateRatio(own, own.server->port(), "1", reference, reference.server->port(), {}),
            kMinServerRatio);
}

TEST_F(NoDelayE2eTest, ServerSetsNoDelayItselfOverTlsToo) {
  TestPki pki;
  Archive own = StartServer("own", pki.ServerArgs("require"), true, "0");
  Archive reference = StartServer("reference", pki.ServerArgs("require"), true, "1");
  EXPECT_GE(RateRatio(own, own.server->tls_port(), "1", reference, reference.server->tls_port(),
                      pki.ClientArgs(pki.client_key(), pki.client_certificate())),
            kMinServerRatio);
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

// The same server measured against itself: a Nagle sender against a
// TCP_NODELAY one.
TEST_F(NoDelayE2eTest, SenderThatLeavesNagleOnKeepsPace) {
  Archive archive = StartServer("server", {}, false);
  const int port = archive.server->port();
  EXPECT_GE(RateRatio(archive, port, "0", archive, port, {}), kMinNagleRatio);
}

TEST_F(NoDelayE2eTest, SenderThatLeavesNagleOnKeepsPaceOverTls) {
  TestPki pki;
  Archive archive = StartServer("server", pki.ServerArgs("require"), true);
  const int port = archive.server->tls_port();
  EXPECT_GE(RateRatio(archive, port, "0", archive, port,
                      pki.ClientArgs(pki.client_key(), pki.client_certificate())),
            kMinNagleRatio);
}

}  // namespace
}  // namespace pixeldex::testing
