// End-to-end: slow, silent and stalling peers are dropped after the
// configured timeouts (network.associate_request_timeout and acse_timeout
// while negotiating, network.dimse_timeout once associated), and never delay
// other callers.

#include <poll.h>
#include <unistd.h>

#include <dcmtk/dcmdata/dcuid.h>

#include <chrono>
#include <filesystem>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/raw_store_client.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kAcseTimeout = 8;
constexpr int kRequestTimeout = 6;  // network.associate_request_timeout
constexpr int kDimseTimeout = 3;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class SlowPeerE2eTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--set", "network.acse_timeout=" + std::to_string(kAcseTimeout), "--set",
            "network.dimse_timeout=" + std::to_string(kDimseTimeout), "--set",
            "network.associate_request_timeout=" + std::to_string(kRequestTimeout)};
  }
  // While `stalled` waits, others are served; then the server drops it after
  // the DIMSE timeout (not the longer ACSE one), and serves on.
  void ExpectDroppedAfterTheDimseTimeout(RawStoreClient& stalled) {
    const auto start = Clock::now();
    ExpectStillServing();
    EXPECT_TRUE(stalled.EndedByServerWithin(30));
    EXPECT_GE(SecondsSince(start), kDimseTimeout - 1) << server_->Log();
    EXPECT_LT(SecondsSince(start), kAcseTimeout - 1) << "dropped by another, longer timeout";
    ExpectStillServing();
  }
  int64_t Stored(const std::string& uid) {
    return Index().Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?", {uid});
  }
};

TEST_F(SlowPeerE2eTest, SilentConnectionsDoNotDelayOthersAndAreDroppedAfterTheRequestTimeout) {
  // Eight peers connect and never send their A-ASSOCIATE-RQ.
  const auto start = Clock::now();
  std::vector<int> silent;
  for (int i = 0; i < 8; ++i) {
    silent.push_back(ConnectLoopback(server_->port()));
    ASSERT_GE(silent.back(), 0);
  }
  ExpectStillServing();
  ASSERT_LT(SecondsSince(start), kRequestTimeout) << "machine too slow to tell";
  for (int fd : silent) EXPECT_FALSE(PeerClosedWithin(fd, 0)) << "dropped before the timeout";
  for (int fd : silent) {
    EXPECT_TRUE(PeerClosedWithin(fd, 30000));
    ::close(fd);
  }
  EXPECT_GE(SecondsSince(start), kRequestTimeout - 1);
  EXPECT_TRUE(server_->WaitForLog("connection from 127.0.0.1 closed: no association request"))
      << server_->Log();
  EXPECT_EQ(server_->Log().find("No presentation context proposed"), std::string::npos)
      << "a closed connection was served as an empty association";
  ExpectStillServing();
}

TEST_F(SlowPeerE2eTest, IdleAssociationIsAbortedAfterTheDimseTimeout) {
  const auto start = Clock::now();
  RawStoreClient idle(server_->port(), UID_CTImageStorage);
  ASSERT_TRUE(idle.connected());
  ExpectStillServing();
  EXPECT_TRUE(idle.EndedByServerWithin(30));
  EXPECT_GE(SecondsSince(start), kDimseTimeout - 1);
  EXPECT_TRUE(server_->WaitForLog("RAWSENDER -> PIXELDEX from 127.0.0.1 ended (idle timeout)"))
      << server_->Log();
  ExpectStillServing();
}

TEST_F(SlowPeerE2eTest, SenderThatStallsMidDataSetIsDroppedAndLeavesNothing) {
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  const std::string dataset = DatasetBytes(MakeInstance(t, "stalled.dcm"));
  {
    RawStoreClient stalled(server_->port(), t.sop_class_uid);
    ASSERT_TRUE(stalled.connected());
    ASSERT_TRUE(stalled.SendCommand(t.sop_instance_uid));
    ASSERT_TRUE(stalled.SendData(dataset.substr(0, dataset.size() / 2 & ~size_t{1}), false));
    const auto start = Clock::now();
    ExpectStillServing();
    EXPECT_TRUE(stalled.EndedByServerWithin(30));
    EXPECT_GE(SecondsSince(start), kDimseTimeout - 1) << server_->Log();
  }
  ExpectStillServing();
  EXPECT_EQ(server_->Stop(), 0);  // waits for every association
  EXPECT_EQ(Stored(t.sop_instance_uid), 0);
  EXPECT_TRUE(fs::is_empty(StoragePath(".incoming")));
}

TEST_F(SlowPeerE2eTest, SenderThatStallsInsideAPduIsDropped) {
  RawStoreClient stalled(server_->port(), UID_CTImageStorage);
  ASSERT_TRUE(stalled.connected());
  // A P-DATA-TF PDU header that announces 1000 bytes, then 10 of them: a
  // PDV header announcing the rest (a command fragment on context 1) and 4
  // bytes of it. (A malformed PDV header is refused at once instead:
  // pdu_inspector_test.)
  ASSERT_TRUE(stalled.SendRawBytes(std::string("\x04\x00\x00\x00\x03\xe8", 6) +
                                   std::string("\x00\x00\x03\xe4\x01\x01", 6) +
                                   std::string(4, '\0')));
  ExpectDroppedAfterTheDimseTimeout(stalled);
}

TEST_F(SlowPeerE2eTest, FindRequestWhoseIdentifierNeverComesIsDropped) {
  RawStoreClient stalled(server_->port(), UID_FINDStudyRootQueryRetrieveInformationModel);
  ASSERT_TRUE(stalled.connected());
  ASSERT_TRUE(stalled.SendCommand(""));  // C-FIND-RQ announcing an identifier
  ExpectDroppedAfterTheDimseTimeout(stalled);
}

// At most network.max_associations connections negotiate at once; the rest
// wait in the kernel's backlog (threads stay bounded whatever a flood sends).
class NegotiationLimitE2eTest : public SlowPeerE2eTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--set", "network.max_associations=2", "--set", "network.acse_timeout=3"};
  }
};

TEST_F(NegotiationLimitE2eTest, SilentConnectionsBeyondTheLimitWaitTheirTurn) {
  const auto start = Clock::now();
  std::vector<int> silent;
  for (int i = 0; i < 2; ++i) silent.push_back(ConnectLoopback(server_->port()));
  // Both slots are taken by silent peers: this C-ECHO waits until they time out.
  auto echo = RunProcess({"echoscu", "-aec", "PIXELDEX", "127.0.0.1", server_->port_string()},
                         FastClientEnv());
  EXPECT_EQ(echo.exit_code, 0) << echo.output << server_->Log();
  EXPECT_GE(SecondsSince(start), 3 - 1) << "served before a negotiation slot was free";
  for (int fd : silent) {
    EXPECT_TRUE(PeerClosedWithin(fd, 30000));
    ::close(fd);
  }
  ExpectStillServing();
}

// network.max_pdu is what the server announces, and a PDU beyond it is refused.
class MaxPduE2eTest : public SlowPeerE2eTest {
 protected:
  std::vector<std::string> ServerArgs() const override { return {"--set", "network.max_pdu=16384"}; }
};

TEST_F(MaxPduE2eTest, IsAnnouncedAndEnforced) {
  TestInstance t;
  t.rows = t.columns = 128;  // a 33 KB data set
  t.sop_instance_uid = UniqueUid("3.");
  const std::string path = MakeInstance(t, "big.dcm");
  const std::string dataset = DatasetBytes(path);
  RawStoreClient client(server_->port(), t.sop_class_uid);
  ASSERT_TRUE(client.connected());
  EXPECT_EQ(client.server_max_pdu(), 16384u);
  ASSERT_TRUE(client.SendCommand(t.sop_instance_uid));
  // The whole data set as one PDV in one P-DATA-TF PDU, twice the maximum.
  auto be32 = [](size_t v) {
    return std::string{char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
  };
  const std::string pdv = be32(dataset.size() + 2) + std::string("\x01\x02", 2) + dataset;
  client.SendRawBytes(std::string("\x04\x00", 2) + be32(pdv.size()) + pdv);
  EXPECT_TRUE(client.EndedByServerWithin(30)) << server_->Log();
  EXPECT_EQ(Stored(t.sop_instance_uid), 0);
  // A client that respects it stores the same instance (storescu fragments).
  auto r = StoreScu({path});
  EXPECT_EQ(r.exit_code, 0) << r.output << server_->Log();
  EXPECT_EQ(Stored(t.sop_instance_uid), 1);
  ExpectStillServing();
}

}  // namespace
}  // namespace pixeldex::testing
