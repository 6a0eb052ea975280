// End-to-end: an exception thrown while an association is served (injected
// through the PIXELDEX_TEST_THROW_ON_COMMAND seam) aborts that association
// only; the server logs it once, records it, and goes on serving.

#include "server/config/environment_settings.h"
#include "tests/e2e/e2e_fixture.h"

namespace pixeldex::testing {
namespace {

class ExceptionBoundaryE2eTest : public ServerTest {
 protected:
  std::map<std::string, std::string> ServerEnv() const override {
    return {{server::kTestThrowOnCommandVariable, "0x0030"}};  // C-ECHO-RQ (PS3.7 E.1)
  }
};

int CountOccurrences(const std::string& text, const std::string& part) {
  int n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST_F(ExceptionBoundaryE2eTest, AnAssociationThatThrowsIsAbortedAndTheServerGoesOn) {
  // echoscu exits 0 whatever happened; it says so on its output.
  const ProcessResult echo = EchoScu(*server_, "ECHOER");
  EXPECT_NE(echo.output.find("Peer aborted Association"), std::string::npos) << echo.output;

  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  const ProcessResult store = StoreScu({MakeInstance(t, "after.dcm")});
  EXPECT_EQ(store.exit_code, 0) << store.output << server_->Log();
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances"), 1);

  // A graceful stop waits for every association thread, so the history
  // rows of the aborted association are written by then.
  EXPECT_EQ(server_->Stop(), 0) << server_->Log();
  const std::string log = server_->Log();
  EXPECT_EQ(CountOccurrences(log, "thrown by the test seam"), 1) << log;
  EXPECT_NE(log.find("association ECHOER -> PIXELDEX from"), std::string::npos) << log;
  const auto events =
      Index().Rows("SELECT calling_aet, detail FROM events WHERE kind = 'association_aborted'");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0][0], "ECHOER");
  EXPECT_NE(events[0][1].find("thrown by the test seam"), std::string::npos) << events[0][1];
  EXPECT_EQ(Index().Scalar("SELECT outcome FROM associations WHERE calling_aet = 'ECHOER'"),
            "aborted: internal error");
}

}  // namespace
}  // namespace pixeldex::testing
