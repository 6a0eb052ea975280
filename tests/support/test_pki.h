#pragma once
// TestPki: throwaway certificates for TLS tests, made with the `openssl`
// command-line tool in a temp dir: a test CA, a server certificate and a
// client certificate it signed, and a "rogue" client certificate signed by a
// second, untrusted CA. All PEM, RSA 2048 (the BCP 195 suites are RSA ones),
// valid for two days.

#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace pixeldex::testing {

class TestPki {
 public:
  // Throws std::runtime_error (with openssl's output) when a step fails.
  TestPki();

  std::string ca_certificate() const { return dir_ / "ca.pem"; }
  std::string server_certificate() const { return dir_ / "server.pem"; }
  std::string server_key() const { return dir_ / "server.key"; }
  std::string client_certificate() const { return dir_ / "client.pem"; }
  std::string client_key() const { return dir_ / "client.key"; }
  std::string rogue_certificate() const { return dir_ / "rogue.pem"; }
  std::string rogue_key() const { return dir_ / "rogue.key"; }

  // `pixeldex serve` arguments for a TLS listener on a free port with the
  // server certificate, trusting the test CA, with `verify_peer`.
  std::vector<std::string> ServerArgs(const std::string& verify_peer) const;
  // DCMTK client arguments (echoscu, storescu) for TLS with the given key and
  // certificate, verifying the server against the test CA.
  std::vector<std::string> ClientArgs(const std::string& key, const std::string& certificate) const;

 private:
  void MakeCa(const std::string& name) const;
  void MakeSigned(const std::string& name, const std::string& ca, const std::string& cn) const;
  TempDir dir_;
};

// One PKI for every test of this process, made on first use (RSA key
// generation is the slow part) and removed at exit.
const TestPki& SharedTestPki();

}  // namespace pixeldex::testing
