// End-to-end: many associations at once, and the association limit.

#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <thread>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/raw_store_client.h"

namespace pixeldex::testing {
namespace {

using ConcurrencyE2eTest = ServerTest;

TEST_F(ConcurrencyE2eTest, ThirtyTwoConcurrentSendersAreAllStoredAndIndexedOnce) {
  constexpr int kSenders = 32;
  constexpr int kFilesEach = 4;
  std::vector<std::vector<std::string>> batches(kSenders);
  for (int s = 0; s < kSenders; ++s) {
    for (int f = 0; f < kFilesEach; ++f) {
      TestInstance t;
      t.patient_id = "P" + std::to_string(s);
      t.study_uid = UniqueUid("1.");
      t.series_uid = UniqueUid("2.");
      t.sop_instance_uid = UniqueUid("3.");
      batches[s].push_back(MakeInstance(t, "s" + std::to_string(s) + "_" + std::to_string(f) + ".dcm"));
    }
  }
  std::vector<ProcessResult> results(kSenders);
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] { results[s] = StoreScu(batches[s]); });
  }
  for (auto& t : senders) t.join();
  for (int s = 0; s < kSenders; ++s) EXPECT_EQ(results[s].exit_code, 0) << results[s].output;

  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), kSenders * kFilesEach);
  EXPECT_EQ(Index().Count("SELECT count(DISTINCT sop_instance_uid) FROM instances"),
            kSenders * kFilesEach);
  EXPECT_EQ(Index().Count("SELECT count(*) FROM patients"), kSenders);
}

class LimitE2eTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--set", "network.max_associations=1"};
  }
};

TEST_F(LimitE2eTest, AssociationsBeyondTheLimitAreRejectedThenAcceptedAgain) {
  const std::vector<std::string> echo = {"echoscu", "-aec", "PIXELDEX", "127.0.0.1",
                                         server_->port_string()};
  {
    RawStoreClient held(server_->port(), UID_VerificationSOPClass);  // one association open
    ASSERT_TRUE(held.connected());
    auto rejected = RunProcess(echo, FastClientEnv());
    EXPECT_NE(rejected.exit_code, 0);
    EXPECT_NE(rejected.output.find("Rejected"), std::string::npos) << rejected.output;
    EXPECT_NE(server_->Log().find("too many concurrent associations"), std::string::npos);
  }
  // The held association is aborted; the slot frees as soon as the server
  // has processed the abort, which echoscu may race: retry a bounded number
  // of times on rejection only.
  ProcessResult accepted;
  for (int attempt = 0; attempt < 50; ++attempt) {
    accepted = RunProcess(echo, FastClientEnv());
    if (accepted.exit_code == 0) break;
  }
  EXPECT_EQ(accepted.exit_code, 0) << accepted.output;
}

}  // namespace
}  // namespace pixeldex::testing
