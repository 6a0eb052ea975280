#pragma once
// StoreScp: DCMTK's storescp receiving into a directory on a free loopback
// port, as a C-MOVE destination for tests. Start() returns once it answers
// C-ECHO (readiness is polled with echoscu under a bounded deadline, never
// slept for); the destructor stops it. Plus helpers to find free ports and
// to list the instances a receiver wrote.

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pixeldex::testing {

// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
int FreeTcpPort();

class StoreScp {
 public:
  struct Options {
    std::string aet = "DEST";
    std::string output_dir;                // must exist
    std::string log_file;                  // storescp's stdout and stderr
    std::vector<std::string> extra_args;   // e.g. {"+xa"} to accept compressed syntaxes
    std::vector<std::string> probe_args;   // echoscu's for the readiness probe, e.g. TLS ones
    // Leave Nagle's algorithm on (TCP_NODELAY=0), as a stock DCMTK-based
    // destination does; by default storescp gets TCP_NODELAY=1.
    bool nagle = false;
  };
  // Throws std::runtime_error (with storescp's log) when it does not come up.
  static std::unique_ptr<StoreScp> Start(const Options& options);
  ~StoreScp();
  StoreScp(const StoreScp&) = delete;
  StoreScp& operator=(const StoreScp&) = delete;

  int port() const { return port_; }
  std::string Log() const;

 private:
  StoreScp() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_file_;
};

// SOP Instance UID -> file, for every DICOM file directly in `dir`.
std::map<std::string, std::string> InstancesIn(const std::string& dir);

}  // namespace pixeldex::testing
