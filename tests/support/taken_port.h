#pragma once
// TakenPort: a TCP port this test process listens on and never accepts on,
// so that a server told to use it finds it busy ("address in use"). The
// socket is closed when the object is destroyed.

#include <string>

namespace pixeldex::testing {

class TakenPort {
 public:
  // Listens on 127.0.0.1 (loopback) or on every address.
  enum class On { kLoopback, kAnyAddress };
  explicit TakenPort(On on);
  ~TakenPort();
  TakenPort(const TakenPort&) = delete;
  TakenPort& operator=(const TakenPort&) = delete;

  // The port, or 0 when it could not be taken (the test then fails on it).
  int port() const { return port_; }
  std::string port_string() const { return std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace pixeldex::testing
