// End-to-end: DICOM over TLS (PS3.15 Annex B) beside the plain listener, with
// certificates made by the test, and DCMTK's TLS-enabled clients.

#include <unistd.h>

#include <chrono>
#include <memory>

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/dimse.h>

#include "server/tls/tls_transport.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/raw_store_client.h"
#include "tests/support/test_pki.h"

namespace pixeldex::testing {
namespace {

class TlsE2eTest : public ServerTest {
 protected:
  virtual std::string VerifyPeer() const { return "require"; }
  std::vector<std::string> ServerArgs() const override { return pki_->ServerArgs(VerifyPeer()); }
  bool ServerSpeaksTls() const override { return true; }

  // Runs a DCMTK client against the TLS port with `tls_args`.
  ProcessResult OverTls(const std::string& tool, const std::vector<std::string>& tls_args,
                        const std::vector<std::string>& files = {}) const {
    std::vector<std::string> argv = {tool, "-aet", "MODALITY", "-aec", "PIXELDEX"};
    argv.insert(argv.end(), tls_args.begin(), tls_args.end());
    argv.push_back("127.0.0.1");
    argv.push_back(server_->tls_port_string());
    argv.insert(argv.end(), files.begin(), files.end());
    return RunProcess(argv, FastClientEnv());
  }
  std::vector<std::string> TrustedClient() const {
    return pki_->ClientArgs(pki_->client_key(), pki_->client_certificate());
  }
  std::vector<std::string> RogueClient() const {
    return pki_->ClientArgs(pki_->rogue_key(), pki_->rogue_certificate());
  }
  // A plain C-ECHO on the plain port and a TLS C-ECHO still succeed.
  void ExpectBothListenersServe() const {
    auto plain = RunProcess({"echoscu", "-aec", "PIXELDEX", "127.0.0.1", server_->port_string()},
                            FastClientEnv());
    EXPECT_EQ(plain.exit_code, 0) << plain.output << server_->Log();
    auto tls = OverTls("echoscu", TrustedClient());
    EXPECT_EQ(tls.exit_code, 0) << tls.output << server_->Log();
  }

  const TestPki* const pki_ = &SharedTestPki();
};

TEST_F(TlsE2eTest, ListensOnBothPortsAndStopsGracefully) {
  EXPECT_NE(server_->port(), server_->tls_port());
  ExpectBothListenersServe();
  EXPECT_EQ(server_->Stop(), 0);
}

TEST_F(TlsE2eTest, StoresOverTlsAndIndexesTheInstance) {
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  auto r = OverTls("storescu", TrustedClient(), {MakeInstance(t, "tls.dcm")});
  ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ? AND "
                          "calling_aet = 'MODALITY'",
                          {t.sop_instance_uid}),
            1);
}

// Pending C-FIND responses gathered into few TLS writes (WriteCoalescer
// under the TLS connection) all arrive, then the final one.
TEST_F(TlsE2eTest, FindsOverTlsWithEveryPendingResponse) {
  constexpr int kInstances = 100;  // ~25 KB of responses: more than one write-out
  TestInstance t;
  t.rows = t.columns = 4;
  ASSERT_EQ(StoreScu(MakeInstances(t, kInstances, "f")).exit_code, 0);
  std::vector<std::string> args = {"-v", "-S", "-k", "QueryRetrieveLevel=IMAGE",
                                   "-k", "StudyInstanceUID=" + t.study_uid, "-k", "SOPInstanceUID"};
  const std::vector<std::string> tls = TrustedClient();
  args.insert(args.end(), tls.begin(), tls.end());
  auto r = OverTls("findscu", args);
  ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();
  EXPECT_NE(r.output.find("Find Response: " + std::to_string(kInstances) + " (Pending)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("Received Final Find Response (Success)"), std::string::npos);
}

TEST_F(TlsE2eTest, PlainClientOnTheTlsPortFails) {
  auto r = RunProcess({"echoscu", "-to", "10", "-aec", "PIXELDEX", "127.0.0.1",
                       server_->tls_port_string()},
                      FastClientEnv());
  EXPECT_NE(r.exit_code, 0) << r.output;
  ExpectBothListenersServe();
}

TEST_F(TlsE2eTest, TlsClientOnThePlainPortFails) {
  std::vector<std::string> argv = {"echoscu", "-aec", "PIXELDEX"};
  for (const auto& a : TrustedClient()) argv.push_back(a);
  argv.push_back("127.0.0.1");
  argv.push_back(server_->port_string());
  auto r = RunProcess(argv, FastClientEnv());
  EXPECT_NE(r.exit_code, 0) << r.output;
  ExpectBothListenersServe();
}

TEST_F(TlsE2eTest, SilentConnectionOnTheTlsPortDoesNotBlockIt) {
  // Connects and never sends its ClientHello: the handshake waits on its own thread.
  const int silent = ConnectLoopback(server_->tls_port());
  ASSERT_GE(silent, 0);
  ExpectBothListenersServe();
  ::close(silent);
}

TEST_F(TlsE2eTest, ClientCertificateFromAnotherCaIsRefused) {
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  auto r = OverTls("storescu", RogueClient(), {MakeInstance(t, "rogue.dcm")});
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?",
                          {t.sop_instance_uid}),
            0);
  EXPECT_TRUE(server_->WaitForLog("TLS association request from 127.0.0.1 failed"))
      << server_->Log();
  ExpectBothListenersServe();
}

TEST_F(TlsE2eTest, ClientThatDoesNotTrustTheServerGivesUp) {
  // The client verifies the server against the rogue CA: our certificate fails.
  auto r = OverTls("echoscu", {"+tls", pki_->client_key(), pki_->client_certificate(), "+cf",
                               pki_->rogue_certificate()});
  EXPECT_NE(r.exit_code, 0) << r.output;
  ExpectBothListenersServe();
}

// The helper for associations pixeldex opens itself (C-MOVE, later): the
// same settings, requestor side, against our own TLS listener.
TEST_F(TlsE2eTest, RequestorHelperOpensAVerifiedTlsAssociation) {
  server::TlsSettings tls;
  tls.certificate = pki_->client_certificate();
  tls.private_key = pki_->client_key();
  tls.ca_file = pki_->ca_certificate();
  tls.verify_peer = server::PeerVerification::kRequire;
  auto transport = server::TlsTransport::Create(tls, NET_REQUESTOR);
  ASSERT_TRUE(transport.ok()) << transport.status().ToString();
  T_ASC_Network* net = nullptr;
  ASSERT_TRUE(ASC_initializeNetwork(NET_REQUESTOR, 0, 30, &net).good());
  ASSERT_TRUE((*transport)->InstallOn(net).ok());
  T_ASC_Parameters* params =
      LoopbackAssociationParameters(server_->tls_port(), "MOVER", UID_VerificationSOPClass);
  ASSERT_TRUE(server::TlsTransport::UseFor(params).ok());
  T_ASC_Association* assoc = nullptr;
  ASSERT_TRUE(ASC_requestAssociation(net, params, &assoc).good()) << server_->Log();
  DIC_US status = 0;
  DcmDataset* detail = nullptr;
  EXPECT_TRUE(DIMSE_echoUser(assoc, 1, DIMSE_BLOCKING, 0, &status, &detail).good());
  delete detail;
  EXPECT_EQ(status, STATUS_Success);
  ASC_releaseAssociation(assoc);
  ASC_destroyAssociation(&assoc);
  ASC_dropNetwork(&net);
}

// A peer that never completes its TLS handshake is dropped after the ACSE
// timeout (not the longer DIMSE one).
class TlsHandshakeTimeoutE2eTest : public TlsE2eTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    auto args = TlsE2eTest::ServerArgs();
    for (const char* s : {"network.acse_timeout=2", "network.dimse_timeout=60"}) {
      args.push_back("--set");
      args.push_back(s);
    }
    return args;
  }
};

TEST_F(TlsHandshakeTimeoutE2eTest, SilentPeerIsDroppedAfterTheAcseTimeout) {
  const auto start = std::chrono::steady_clock::now();
  const int silent = ConnectLoopback(server_->tls_port());
  ASSERT_GE(silent, 0);
  EXPECT_TRUE(PeerClosedWithin(silent, 20000));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(seconds, 1.0);
  ::close(silent);
  ExpectBothListenersServe();
}

// With verify_peer = none any client certificate is accepted.
class TlsWithoutPeerVerificationE2eTest : public TlsE2eTest {
 protected:
  std::string VerifyPeer() const override { return "none"; }
};

TEST_F(TlsWithoutPeerVerificationE2eTest, AnyClientCertificateIsAccepted) {
  auto r = OverTls("echoscu", RogueClient());
  EXPECT_EQ(r.exit_code, 0) << r.output << server_->Log();
}

// A TLS configuration that cannot work stops the server at start, clearly.
TEST(TlsConfigurationE2eTest, MissingCertificateIsAStartError) {
  TempDir dir;
  auto r = RunProcess({PIXELDEX_BINARY, "serve", "--port", "0", "--storage", dir / "storage",
                       "--index", dir / "index.db", "--set", "tls.enabled=true"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("tls.certificate"), std::string::npos) << r.output;
}

TEST(TlsConfigurationE2eTest, KeyThatDoesNotMatchTheCertificateIsAStartError) {
  TestPki pki;
  TempDir dir;
  auto r = RunProcess({PIXELDEX_BINARY, "serve", "--port", "0", "--storage", dir / "storage",
                       "--index", dir / "index.db", "--set", "tls.enabled=true", "--set",
                       "tls.certificate=" + pki.server_certificate(), "--set",
                       "tls.private_key=" + pki.client_key()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("tls.private_key"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace pixeldex::testing
