#pragma once
// ServerProcess: the real pixeldex binary running `serve` on a free port in a
// test's temp dir. Start() returns once the server printed its "listening"
// line (and, with expect_tls, its "tls listening" line: readiness is
// awaited, never slept for); the destructor kills it if the test did not stop
// it. With --http among the extra arguments, the "http listening" line
// printed before it gives http_port().

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pixeldex::testing {

class ServerProcess {
 public:
  struct Options {
    std::string storage;  // --storage (left out when empty)
    std::string index;    // --index (left out when empty)
    std::string log_file; // stderr goes here
    std::vector<std::string> extra_args;
    std::map<std::string, std::string> env;
    bool expect_tls = false;  // wait for the TLS listener's line too
  };

  // Throws std::runtime_error (with the server's log) when it does not come up.
  static std::unique_ptr<ServerProcess> Start(const Options& options);
  ~ServerProcess();

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string port_string() const { return std::to_string(port_); }
  // The HTTP endpoint's port; 0 when the server was started without --http.
  int http_port() const { return http_port_; }
  // The TLS port (only with expect_tls).
  int tls_port() const { return tls_port_; }
  std::string tls_port_string() const { return std::to_string(tls_port_); }
  // Sends SIGTERM and waits; returns the exit code (-1 if killed by a signal).
  int Stop();
  // Sends SIGTERM without waiting (Stop() then waits for the exit).
  void Terminate();
  // Sends SIGKILL and waits.
  void Kill();
  // Sends `signal_number` (e.g. SIGHUP) without waiting.
  void Signal(int signal_number) const;
  std::string Log() const;
  // Polls the log until it contains `text` or `timeout_ms` pass; returns
  // whether it appeared (for lines the server writes after answering).
  bool WaitForLog(const std::string& text, int timeout_ms = 10000) const;

 private:
  ServerProcess() = default;
  int Wait();
  pid_t pid_ = -1;
  int port_ = 0;
  int http_port_ = 0;
  int tls_port_ = 0;
  std::string log_file_;
};

}  // namespace pixeldex::testing
