// End-to-end: hostile DICOM Upper Layer traffic (issue 13) against the real
// server: command sets read differently by two parsers, data sets on the
// wrong presentation context, presentation context bombs, AE titles with
// padding and NULs, and control characters meant to forge log lines. After
// each attack the server still serves others.

#include <sys/socket.h>
#include <unistd.h>

#include <dcmtk/dcmdata/dcuid.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/raw_store_client.h"
#include "tests/support/upper_layer_bytes.h"

namespace pixeldex::testing {
namespace {

// User plus system CPU seconds the process `pid` has used (proc(5) stat
// fields 14 and 15).
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// The type of the first PDU the server answers `request` with on a fresh
// connection (0x02 A-ASSOCIATE-AC, 0x03 -RJ), or 0 when it closes first.
int FirstPduTypeAnswering(int port, const std::string& request) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return -1;
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  char type = 0;
  const int answer = ::recv(fd, &type, 1, 0) == 1 ? static_cast<uint8_t>(type) : 0;
  ::close(fd);
  return answer;
}

class ProtocolHostileE2eTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--set", "access.allowed_callers=GOOD MODALITY RAWSENDER ECHOSCU"};
  }
  int64_t Stored(const std::string& uid) {
    return Index().Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?", {uid});
  }
};

TEST_F(ProtocolHostileE2eTest, ARepeatedCommandFieldCannotLiftTheRequestDataSetLimit) {
  // The crash of issue 13: on a Verification-only association, a C-FIND-RQ
  // whose command set holds Command Field twice (C-FIND-RQ, then C-STORE-RQ),
  // then 300 000 nested sequence levels. DCMTK keeps the first, the
  // inspector took the last and let the identifier through unbounded into
  // DCMTK's recursive in-memory parser: the server died of a stack overflow.
  RawStoreClient client(server_->port(), UID_VerificationSOPClass);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.SendCommandBytes(
      CommandElement(0x0002, UidValue(UID_FINDStudyRootQueryRetrieveInformationModel)) +
      CommandElement(0x0100, Le16(0x0020)) + CommandElement(0x0100, Le16(0x0001)) +
      CommandElement(0x0110, Le16(1)) + CommandElement(0x0700, Le16(0)) +
      CommandElement(0x0800, Le16(0))));
  client.SendData(NestedSequenceBytes(300000), true);  // fails part-way once refused
  EXPECT_TRUE(client.EndedByServerWithin(60));
  EXPECT_TRUE(server_->WaitForLog("dropped: command set repeats (0000,0100)")) << server_->Log();
  ExpectStillServing();
}

TEST_F(ProtocolHostileE2eTest, AStoreDataSetOnAnotherContextThanItsCommandIsRefused) {
  // DCMTK's DIMSE_receiveDataSetInFile takes a data set on any accepted
  // context: this one was stored, encoded for the C-FIND context's syntax
  // and filed under the storage context's.
  RawStoreClient client(server_->port(),
                        {{UID_CTImageStorage}, {UID_FINDStudyRootQueryRetrieveInformationModel}},
                        "RAWSENDER");
  ASSERT_TRUE(client.connected());
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  ASSERT_TRUE(client.SendCommand(t.sop_instance_uid));  // on context 1
  client.SendData(DatasetBytes(MakeInstance(t, "ct.dcm")), true, 3);
  EXPECT_NE(client.ReceiveStatus(30), 0);
  EXPECT_TRUE(server_->WaitForLog("data set PDV on presentation context 3, its command on 1"))
      << server_->Log();
  EXPECT_EQ(Stored(t.sop_instance_uid), 0);
  ExpectStillServing();
}

TEST_F(ProtocolHostileE2eTest, APresentationContextBombIsRefusedCheaply) {
  // 16 000 contexts in an A-ASSOCIATE-RQ of about 1 MB cost 27 s of server
  // CPU before any AE check beyond the called title (negotiation walks
  // DCMTK's context lists once per context).
  std::vector<ProposedContext> contexts;
  for (int i = 0; i < 16000; ++i) {
    contexts.push_back({static_cast<uint8_t>(2 * (i % 128) + 1), UID_CTImageStorage});
  }
  const std::string bomb = AssociateRequestPdu("PIXELDEX", "GOOD", contexts);
  ASSERT_GT(bomb.size(), 900u * 1024);
  const double cpu_before = CpuSeconds(server_->pid());
  for (int i = 0; i < 3; ++i) {
    std::thread attacker([&] { EXPECT_EQ(FirstPduTypeAnswering(server_->port(), bomb), 0); });
    // Another client is served meanwhile.
    EXPECT_EQ(EchoScu(*server_, "GOOD").exit_code, 0) << server_->Log();
    attacker.join();
  }
  EXPECT_LT(CpuSeconds(server_->pid()) - cpu_before, 5.0);
  EXPECT_TRUE(server_->WaitForLog("holds more than 128 item(s) of type 20H")) << server_->Log();
  // 128 contexts are fine.
  contexts.resize(128);
  EXPECT_EQ(FirstPduTypeAnswering(server_->port(), AssociateRequestPdu("PIXELDEX", "GOOD", contexts)),
            0x02);
  ExpectStillServing();
}

TEST_F(ProtocolHostileE2eTest, AeTitlesComparedWithoutPaddingAndNulsRefused) {
  const std::vector<ProposedContext> echo = {{1, UID_VerificationSOPClass}};
  // PS3.5 6.2: leading spaces are not significant ("  GOOD" was refused).
  EXPECT_EQ(FirstPduTypeAnswering(server_->port(), AssociateRequestPdu(" PIXELDEX", "  GOOD", echo)),
            0x02);
  // "GOOD\0EVIL" was GOOD to the access list.
  EXPECT_EQ(FirstPduTypeAnswering(server_->port(),
                                  AssociateRequestPdu("PIXELDEX", std::string("GOOD\0EVIL", 9), echo)),
            0);
  EXPECT_TRUE(server_->WaitForLog("calling AE title is not a valid AE title")) << server_->Log();
  EXPECT_EQ(FirstPduTypeAnswering(server_->port(), AssociateRequestPdu("PIXELDEX", "EVIL", echo)),
            0x03);
  ExpectStillServing();
}

TEST_F(ProtocolHostileE2eTest, ControlCharactersCannotForgeLogLines) {
  // Peer-chosen text carried into a log line, here a C-MOVE's Move
  // Destination (DCMTK strips whitespace from UIDs, not from AE titles): its
  // newline used to start a line of the sender's choosing, its escape
  // sequence to drive the terminal showing the log.
  const std::string destination = "\x1b[2K\n2001-01-01";
  auto moved = RunProcess({"movescu", "-S", "-aet", "MODALITY", "-aec", "PIXELDEX", "-aem",
                           destination, "-k", "QueryRetrieveLevel=STUDY", "-k",
                           "StudyInstanceUID=1.2.3", "127.0.0.1", server_->port_string()},
                          FastClientEnv());
  ASSERT_TRUE(server_->WaitForLog("\\x1b[2K\\n2001-01-01")) << moved.output << server_->Log();
  std::istringstream lines(server_->Log());
  for (std::string line; std::getline(lines, line);) {
    EXPECT_NE(line.rfind("2001-01-01", 0), 0u) << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  }
  ExpectStillServing();
}

}  // namespace
}  // namespace pixeldex::testing
