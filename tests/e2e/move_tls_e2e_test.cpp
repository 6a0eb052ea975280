// End-to-end C-MOVE to destinations reached over TLS (PS3.15 B.1): storescp
// +tls destinations started by the test with certificates it makes, and
// pixeldex's [tls] settings as the requestor's (client certificate, CA,
// verify_peer = require or none), without its own TLS listener; and the socket
// timeouts of the association StoreAssociation opens.

#include <sys/socket.h>
#include <sys/time.h>

#include <dcmtk/dcmdata/dcuid.h>

#include <future>

#include "server/association/association_socket.h"
#include "server/retrieve/store_association.h"
#include "tests/e2e/retrieve_fixture.h"
#include "tests/support/test_pki.h"

namespace pixeldex::testing {
namespace {

// storescp `aet` receiving into `dir` over TLS with `key` and `certificate`,
// requiring a client certificate from the test CA; its readiness probe does
// not check the server's certificate (-ic).
std::unique_ptr<StoreScp> StartTlsScp(const std::string& aet, const std::string& dir,
                                      const std::string& key, const std::string& certificate) {
  const TestPki& pki = SharedTestPki();
  return StoreScp::Start({aet, dir, dir + ".log",
                          {"+B", "+tls", key, certificate, "+cf", pki.ca_certificate()},
                          {"+tls", pki.client_key(), pki.client_certificate(), "-ic"}});
}

class MoveTlsE2eTest : public RetrieveTest {
 protected:
  void SetUp() override {
    // SECURE has a certificate our CA signed; ROGUE one from another CA. Both
    // require a client certificate from our CA (storescp's default).
    secure_dir_ = NewDir("secure");
    secure_ = StartTlsScp("SECURE", secure_dir_, pki_->server_key(), pki_->server_certificate());
    rogue_ = StartTlsScp("ROGUE", NewDir("rogue"), pki_->rogue_key(), pki_->rogue_certificate());
    RetrieveTest::SetUp();
  }
  virtual std::string VerifyPeer() const { return "require"; }
  std::vector<std::string> ServerArgs() const override {
    return {"--move-destination", "SECURE=tls://127.0.0.1:" + std::to_string(secure_->port()),
            "--move-destination", "ROGUE=tls://127.0.0.1:" + std::to_string(rogue_->port()),
            "--set", "tls.certificate=" + pki_->client_certificate(),
            "--set", "tls.private_key=" + pki_->client_key(),
            "--set", "tls.ca_file=" + pki_->ca_certificate(),
            "--set", "tls.verify_peer=" + VerifyPeer()};
  }

  std::string secure_dir_;
  const TestPki* const pki_ = &SharedTestPki();
  std::unique_ptr<StoreScp> secure_, rogue_;
};

TEST_F(MoveTlsE2eTest, InstancesArriveBitIdenticalOverTls) {
  auto r =
      MoveScu("SECURE", Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + uid_["A"]}));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Received Final Move Response (Success)"), std::string::npos)
      << r.output << server_->Log() << secure_->Log();
  ExpectReceived(secure_dir_, {"a1", "a2", "a3"});
}

TEST_F(MoveTlsE2eTest, AnUntrustedDestinationIsA702AndTheServerCarriesOn) {
  auto r =
      MoveScu("ROGUE", Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + uid_["B"]}));
  EXPECT_NE(r.output.find("Refused: OutOfResourcesSubOperations"), std::string::npos) << r.output;
  const std::string log = server_->Log();
  EXPECT_NE(log.find("C-MOVE from MOVER to ROGUE"), std::string::npos) << log;
  EXPECT_NE(log.find("cannot associate with ROGUE at tls://127.0.0.1:"), std::string::npos) << log;
  r = MoveScu("SECURE", Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + uid_["B"]}));
  EXPECT_NE(r.output.find("(Success)"), std::string::npos) << r.output;
  ExpectReceived(secure_dir_, {"b1"});
}

// One requestor TLS transport serves concurrent sub-associations.
TEST_F(MoveTlsE2eTest, ConcurrentMovesShareTheTlsTransport) {
  std::vector<std::future<ProcessResult>> moves;
  for (const char* study : {"A", "B", "C"}) {
    const auto keys = Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + uid_[study]});
    moves.push_back(
        std::async(std::launch::async, [this, keys] { return MoveScu("SECURE", keys); }));
  }
  for (auto& move : moves) {
    const ProcessResult r = move.get();
    EXPECT_NE(r.output.find("(Success)"), std::string::npos) << r.output << server_->Log();
  }
  ExpectReceived(secure_dir_, {"a1", "a2", "a3", "b1", "c1"});
}

// With verify_peer = none the destination's certificate is not checked.
class MoveTlsWithoutVerificationE2eTest : public MoveTlsE2eTest {
 protected:
  std::string VerifyPeer() const override { return "none"; }
};

TEST_F(MoveTlsWithoutVerificationE2eTest, AnyDestinationCertificateIsAcceptedWithAWarning) {
  EXPECT_NE(server_->Log().find("tls:// move destinations are not authenticated"),
            std::string::npos)
      << server_->Log();
  auto r =
      MoveScu("ROGUE", Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + uid_["B"]}));
  EXPECT_NE(r.output.find("(Success)"), std::string::npos) << r.output << server_->Log();
}

// A tls:// destination whose [tls] settings cannot work stops the server at
// start, naming the key.
TEST(MoveTlsConfigurationE2eTest, ATlsDestinationWithoutTheCaFileIsAStartError) {
  TempDir dir;
  auto r = RunProcess({PIXELDEX_BINARY, "serve", "--port", "0", "--storage", dir / "storage",
                       "--index", dir / "index.db", "--move-destination",
                       "SECURE=tls://127.0.0.1:2762", "--set", "tls.verify_peer=require"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("tls.ca_file"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("move.destinations"), std::string::npos) << r.output;
}

int TimeoutSeconds(DcmNativeSocketType socket, int option) {
  timeval limit{};
  socklen_t size = sizeof(limit);
  if (::getsockopt(socket, SOL_SOCKET, option, &limit, &size) != 0) return -1;
  return static_cast<int>(limit.tv_sec);
}

// Once associated, the outgoing socket's reads and writes time out after the
// DIMSE timeout, not DCMTK's global socket timeout.
TEST(StoreAssociationTlsTest, SocketTimeoutsAreTheDimseTimeoutOnceAssociated) {
  const TestPki& pki = SharedTestPki();
  TempDir dir;
  std::filesystem::create_directories(dir / "in");
  auto scp = StartTlsScp("SECURE", dir / "in", pki.server_key(), pki.server_certificate());
  server::TlsSettings tls;
  tls.certificate = pki.client_certificate();
  tls.private_key = pki.client_key();
  tls.ca_file = pki.ca_certificate();
  tls.verify_peer = server::PeerVerification::kRequire;
  auto transport = server::TlsTransport::Create(tls, NET_REQUESTOR);
  ASSERT_TRUE(transport.ok()) << transport.status().ToString();
  server::StoreAssociationOptions options;
  options.calling_aet = "PIXELDEX";
  options.dimse_timeout_seconds = 7;
  options.tls = transport->get();
  const server::MoveDestination secure{"SECURE", "127.0.0.1", scp->port(), true};
  const std::vector<query::RetrieveInstance> instances = {
      {UID_CTImageStorage, "1.2.3", UID_LittleEndianExplicitTransferSyntax, "x.dcm"}};
  auto opened = server::StoreAssociation::Open(secure, instances, options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString() << scp->Log();
  const DcmNativeSocketType socket = server::SocketOf((*opened)->get());
  EXPECT_EQ(TimeoutSeconds(socket, SO_RCVTIMEO), 7);
  EXPECT_EQ(TimeoutSeconds(socket, SO_SNDTIMEO), 7);

  // Without the requestor transport a tls:// destination is an error, not a
  // plain connection.
  options.tls = nullptr;
  auto refused = server::StoreAssociation::Open(secure, instances, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("no TLS transport"), std::string::npos)
      << refused.status().ToString();
}

}  // namespace
}  // namespace pixeldex::testing
