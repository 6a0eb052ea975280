// End-to-end C-MOVE to destinations reached over TLS (PS3.15 B.1): storescp
// +tls destinations started by the test with certificates it makes, and
// pixeldex's [tls] settings as the requestor's (client certificate, CA,
// verify_peer = require), without its own TLS listener.

#include "tests/e2e/retrieve_fixture.h"
#include "tests/support/test_pki.h"

namespace pixeldex::testing {
namespace {

// One PKI for the whole suite: RSA key generation is the slow part.
class MoveTlsE2eTest : public RetrieveTest {
 public:
  static void SetUpTestSuite() { pki_ = new TestPki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

 protected:
  void SetUp() override {
    // SECURE has a certificate our CA signed; ROGUE one from another CA. Both
    // require a client certificate from our CA (storescp's default).
    secure_dir_ = NewDir("secure");
    secure_ = StartTlsScp("SECURE", secure_dir_, pki_->server_key(), pki_->server_certificate());
    rogue_ = StartTlsScp("ROGUE", NewDir("rogue"), pki_->rogue_key(), pki_->rogue_certificate());
    RetrieveTest::SetUp();
  }
  std::vector<std::string> ServerArgs() const override {
    return {"--move-destination", "SECURE=tls://127.0.0.1:" + std::to_string(secure_->port()),
            "--move-destination", "ROGUE=tls://127.0.0.1:" + std::to_string(rogue_->port()),
            "--set", "tls.certificate=" + pki_->client_certificate(),
            "--set", "tls.private_key=" + pki_->client_key(),
            "--set", "tls.ca_file=" + pki_->ca_certificate(),
            "--set", "tls.verify_peer=require"};
  }

  // storescp speaking TLS with `key` and `certificate`, trusting the test CA;
  // its readiness probe skips checking the server certificate (-ic).
  std::unique_ptr<StoreScp> StartTlsScp(const std::string& aet, const std::string& dir,
                                        const std::string& key, const std::string& certificate) {
    return StoreScp::Start({aet, dir, dir_ / (aet + ".log"),
                            {"+B", "+tls", key, certificate, "+cf", pki_->ca_certificate()},
                            {"+tls", pki_->client_key(), pki_->client_certificate(), "-ic"}});
  }

  std::string secure_dir_;
  std::unique_ptr<StoreScp> secure_, rogue_;
  static TestPki* pki_;
};

TestPki* MoveTlsE2eTest::pki_ = nullptr;

TEST_F(MoveTlsE2eTest, InstancesArriveBitIdenticalOverTls) {
  auto r = MoveScu("SECURE", Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + uid_["A"]}));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Received Final Move Response (Success)"), std::string::npos)
      << r.output << server_->Log() << secure_->Log();
  ExpectReceived(secure_dir_, {"a1", "a2", "a3"});
}

TEST_F(MoveTlsE2eTest, AnUntrustedDestinationIsA702AndTheServerCarriesOn) {
  auto r = MoveScu("ROGUE", Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + uid_["B"]}));
  EXPECT_NE(r.output.find("Refused: OutOfResourcesSubOperations"), std::string::npos) << r.output;
  const std::string log = server_->Log();
  EXPECT_NE(log.find("C-MOVE from MOVER to ROGUE"), std::string::npos) << log;
  EXPECT_NE(log.find("cannot associate with ROGUE at tls://127.0.0.1:"), std::string::npos) << log;
  r = MoveScu("SECURE", Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + uid_["B"]}));
  EXPECT_NE(r.output.find("(Success)"), std::string::npos) << r.output;
  ExpectReceived(secure_dir_, {"b1"});
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

}  // namespace
}  // namespace pixeldex::testing
