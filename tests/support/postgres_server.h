#pragma once
// PostgresServer: a real, throwaway PostgreSQL server for tests, from the
// binaries of Debian's `postgresql` package (scripts/install-deps.sh):
// a copy of a cluster `initdb` made once (ClusterTemplate) in a fresh
// temporary folder, `pg_ctl start -w` on a free loopback port with its Unix
// socket in that folder. pg_ctl -w returns once
// the server accepts connections (it polls with PQping), so nothing here
// sleeps. The superuser `pixeldex` has a password (scram-sha-256 over TCP)
// and owns the database `pixeldex`.
//
// PostgreSQL refuses to run as root, and tests here run as root: the server
// binaries then run as the unprivileged `postgres` system user the package
// creates (via runuser), which owns the folder. As any other user they run
// as that user.
//
// Stop() and Start() restart the server on the same port and data (for
// connection-loss tests); the destructor stops it and removes the folder.
// Throws std::runtime_error (with the server's log) when the server cannot be
// made. One thread at a time.

#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace pixeldex::testing {

class PostgresServer {
 public:
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // pg_ctl stop -m fast: every connection is closed.
  void Stop();
  // pg_ctl start -w on the same port.
  void Start();

  int port() const { return port_; }
  static constexpr const char* kUser = "pixeldex";
  static constexpr const char* kDatabase = "pixeldex";
  const std::string& password() const { return password_; }
  // postgresql://pixeldex:PASSWORD@127.0.0.1:PORT/pixeldex
  std::string Uri() const;
  // postgresql://USER[:PASSWORD]@127.0.0.1:PORT/pixeldex
  std::string UriFor(const std::string& user, const std::string& password) const;

 private:
  // Runs a PostgreSQL program (initdb, pg_ctl, ...), or with `in_bin_dir`
  // false any program on PATH, as the server's user.
  std::string Run(const std::string& program, const std::vector<std::string>& args,
                  bool in_bin_dir = true) const;
  // The folder whose `data` is a fresh cluster (superuser kUser, C locale,
  // UTF-8, local connections trusted, TCP by password); made when missing.
  std::string ClusterTemplate() const;
  bool TryStart();
  std::string LogTail() const;

  TempDir dir_;
  std::string bin_dir_;
  std::string data_dir_;
  std::string log_file_;
  std::string password_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace pixeldex::testing
