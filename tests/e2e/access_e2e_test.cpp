// End-to-end: access control (who may associate, store, query) and the
// free-space threshold, each followed by proof that the server goes on.

#include <regex>

#include "tests/e2e/e2e_fixture.h"

namespace pixeldex::testing {
namespace {

ProcessResult Echo(const ServerProcess& server, const std::string& aet) {
  return RunProcess({"echoscu", "-aet", aet, "-aec", "PIXELDEX", "127.0.0.1", server.port_string()},
                    FastClientEnv());
}

class AllowedCallersE2eTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--set", "access.allowed_callers=MODALITY, VIEWER@127.0.0.1, REMOTE@10.99.99.99"};
  }
};

TEST_F(AllowedCallersE2eTest, OnlyListedCallersFromTheirAddressesMayAssociate) {
  EXPECT_EQ(Echo(*server_, "MODALITY").exit_code, 0);
  EXPECT_EQ(Echo(*server_, "VIEWER").exit_code, 0);
  auto stranger = Echo(*server_, "STRANGER");
  EXPECT_NE(stranger.exit_code, 0);
  EXPECT_NE(stranger.output.find("Calling AE Title Not Recognized"), std::string::npos)
      << stranger.output;
  // REMOTE is allowed only from another address.
  EXPECT_NE(Echo(*server_, "REMOTE").exit_code, 0);
  EXPECT_NE(server_->Log().find("STRANGER -> PIXELDEX from 127.0.0.1 rejected"), std::string::npos)
      << server_->Log();
  ASSERT_EQ(server_->Stop(), 0);
  EXPECT_EQ(Index().Scalar("SELECT outcome FROM associations WHERE calling_aet = 'STRANGER'"),
            "rejected: calling AE title not allowed");
}

class ServicePermissionsE2eTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--set", "access.store_callers=MODALITY", "--set", "access.find_callers=VIEWER"};
  }
};

TEST_F(ServicePermissionsE2eTest, StoreAndFindAreGrantedSeparately) {
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  const std::string file = MakeInstance(t, "x.dcm");
  auto refused = RunProcess({"storescu", "-aet", "VIEWER", "-aec", "PIXELDEX", "127.0.0.1",
                             server_->port_string(), file},
                            FastClientEnv());
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), 0);
  EXPECT_EQ(StoreScu({file}).exit_code, 0);  // as MODALITY
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), 1);

  const std::vector<std::string> find_args = {"-S", "-k", "QueryRetrieveLevel=STUDY", "-k",
                                              "StudyInstanceUID", "127.0.0.1",
                                              server_->port_string()};
  auto as = [&](const std::string& aet) {
    std::vector<std::string> argv = {"findscu", "-aet", aet, "-aec", "PIXELDEX"};
    argv.insert(argv.end(), find_args.begin(), find_args.end());
    return RunProcess(argv, FastClientEnv());
  };
  EXPECT_EQ(as("VIEWER").exit_code, 0);
  EXPECT_NE(as("MODALITY").exit_code, 0);
}

class FreeSpaceE2eTest : public ServerTest {
 protected:
  // More free space than any test machine has: every store must be refused.
  std::vector<std::string> ServerArgs() const override {
    return {"--set", "storage.min_free_mb=1000000000"};
  }
};

TEST_F(FreeSpaceE2eTest, StoresAreRefusedBelowTheThresholdAndEchoStillWorks) {
  TestInstance t;
  auto r = StoreScu({MakeInstance(t, "x.dcm")}, {"-v"});
  EXPECT_NE(r.output.find("Refused: OutOfResources"), std::string::npos) << r.output;
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), 0);
  // The log, the event and the A700's Error Comment give the numbers.
  const std::regex numbers("free space [0-9]+ MB is below storage.min_free_mb 1000000000");
  EXPECT_TRUE(std::regex_search(server_->Log(), numbers)) << server_->Log();
  EXPECT_EQ(Echo(*server_, "MODALITY").exit_code, 0);
  const auto events = Index().Rows("SELECT kind, status_code, detail FROM events");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0][0], "store_failed");
  EXPECT_EQ(events[0][1], std::to_string(0xA700));
  EXPECT_TRUE(std::regex_match(events[0][2], numbers)) << events[0][2];
  t.sop_instance_uid = UniqueUid("3.");
  auto debug = StoreScu({MakeInstance(t, "y.dcm")}, {"-d"});  // -d shows the response
  EXPECT_TRUE(std::regex_search(
      debug.output, std::regex("\\(0000,0902\\) LO \\[free space [0-9]+ MB is below "
                               "storage.min_free_mb 1000000000\\]")))
      << debug.output;
}

}  // namespace
}  // namespace pixeldex::testing
