#include "tests/support/test_pki.h"

#include <stdexcept>

#include "tests/support/process.h"

namespace pixeldex::testing {
namespace {

void Openssl(std::vector<std::string> args) {
  args.insert(args.begin(), "openssl");
  ProcessResult r = RunProcess(args);
  if (r.exit_code != 0) throw std::runtime_error("openssl " + args[1] + " failed: " + r.output);
}

}  // namespace

TestPki::TestPki() {
  MakeCa("ca");
  MakeSigned("server", "ca", "localhost");
  MakeSigned("client", "ca", "MODALITY");
  MakeCa("rogue-ca");
  MakeSigned("rogue", "rogue-ca", "MODALITY");
}

void TestPki::MakeCa(const std::string& name) const {
  Openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2", "-subj",
           "/CN=pixeldex test " + name, "-keyout", dir_ / (name + ".key"), "-out",
           dir_ / (name + ".pem")});
}

void TestPki::MakeSigned(const std::string& name, const std::string& ca,
                         const std::string& cn) const {
  Openssl({"req", "-newkey", "rsa:2048", "-nodes", "-sha256", "-subj", "/CN=" + cn, "-keyout",
           dir_ / (name + ".key"), "-out", dir_ / (name + ".csr")});
  Openssl({"x509", "-req", "-sha256", "-days", "2", "-in", dir_ / (name + ".csr"), "-CA",
           dir_ / (ca + ".pem"), "-CAkey", dir_ / (ca + ".key"), "-CAcreateserial", "-out",
           dir_ / (name + ".pem")});
}

std::vector<std::string> TestPki::ServerArgs(const std::string& verify_peer) const {
  return {"--set", "tls.enabled=true",
          "--set", "tls.port=0",
          "--set", "tls.certificate=" + server_certificate(),
          "--set", "tls.private_key=" + server_key(),
          "--set", "tls.ca_file=" + ca_certificate(),
          "--set", "tls.verify_peer=" + verify_peer};
}

std::vector<std::string> TestPki::ClientArgs(const std::string& key,
                                             const std::string& certificate) const {
  return {"+tls", key, certificate, "+cf", ca_certificate()};
}

const TestPki& SharedTestPki() {
  static const TestPki pki;
  return pki;
}

}  // namespace pixeldex::testing
