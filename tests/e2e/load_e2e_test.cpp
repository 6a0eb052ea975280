// End-to-end load: 64 concurrent senders (as many as network.max_associations
// allows) push 2560 tiny instances; every one is acknowledged, stored and
// indexed exactly once, and the server's memory stays bounded.
// Registered RUN_SERIAL: it uses both cores, and the RSS figure is its own.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "tests/e2e/e2e_fixture.h"

namespace pixeldex::testing {
namespace {

constexpr int kSenders = 64;
constexpr int kInstancesEach = 40;

// A process's peak resident set (VmHWM) in KiB, or -1.
long PeakRssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

class LoadE2eTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override { return {"--no-thumbnails"}; }
};

TEST_F(LoadE2eTest, SixtyFourSendersStoreEveryInstanceExactlyOnceInBoundedMemory) {
  std::vector<std::vector<std::string>> argv(kSenders);
  for (int s = 0; s < kSenders; ++s) {
    const std::string aet = "LOAD" + std::to_string(s);
    argv[s] = {"storescu", "-aet", aet, "-aec", "PIXELDEX", "127.0.0.1", server_->port_string()};
    TestInstance t;
    t.rows = t.columns = 4;
    t.patient_id = aet;
    t.study_uid = UniqueUid("1.");
    t.series_uid = UniqueUid("2.");
    for (int i = 0; i < kInstancesEach; ++i) {
      t.sop_instance_uid = UniqueUid("3.");
      t.instance_number = i + 1;
      argv[s].push_back(MakeInstance(t, aet + "_" + std::to_string(i) + ".dcm"));
    }
  }
  const long rss_before = PeakRssKib(server_->pid());
  std::vector<ProcessResult> results(kSenders);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] { results[s] = RunProcess(argv[s], FastClientEnv()); });
  }
  for (auto& t : senders) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const long rss_peak = PeakRssKib(server_->pid());
  for (int s = 0; s < kSenders; ++s) {
    EXPECT_EQ(results[s].exit_code, 0) << "sender " << s << ": " << results[s].output;
  }
  ASSERT_EQ(server_->Stop(), 0);  // every association finished and recorded

  constexpr int kTotal = kSenders * kInstancesEach;
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), kTotal);
  EXPECT_EQ(Index().Count("SELECT count(DISTINCT sop_instance_uid) FROM instances"), kTotal);
  EXPECT_EQ(Index().Count("SELECT count(DISTINCT path) FROM instances"), kTotal);
  EXPECT_EQ(Index().Count("SELECT count(*) FROM series"), kSenders);
  // Acknowledged: each sender's one association stored all of its instances
  // (the server counts only instances answered with success).
  EXPECT_EQ(Index().Count("SELECT count(*) FROM associations WHERE calling_aet LIKE 'LOAD%' "
                          "AND outcome = 'released' AND instances = ?",
                          {std::to_string(kInstancesEach)}),
            kSenders);
  // Generous: 42 MB measured at the peak of this load (16 MB idle).
  EXPECT_GT(rss_peak, 0);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  // The bound is the production build's: under scripts/sanitize.sh the
  // sanitizer's shadow memory and quarantine dwarf the server's own.
  EXPECT_LT(rss_peak, 256 * 1024) << "peak RSS " << rss_peak << " KiB";
#endif
  std::printf("%d instances from %d senders in %.1f s (%.0f/s); server peak RSS %ld KiB "
              "(%ld KiB before)\n",
              kTotal, kSenders, seconds, kTotal / seconds, rss_peak, rss_before);
}

}  // namespace
}  // namespace pixeldex::testing
