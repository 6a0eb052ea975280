#include "tests/support/store_scp.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/process.h"

namespace pixeldex::testing {
namespace {

constexpr auto kReadyTimeout = std::chrono::seconds(30);
// Between two readiness probes (polling a real condition, not a sleep that
// stands in for one).
constexpr auto kProbeInterval = std::chrono::milliseconds(20);
constexpr int kPortAttempts = 5;

pid_t Spawn(const std::vector<std::string>& args, const std::string& log_file, bool nagle) {
  std::vector<std::string> copy = args;
  std::vector<std::string> env = EnvironmentWith(
      nagle ? std::map<std::string, std::string>{{"TCP_NODELAY", "0"}} : FastClientEnv());
  std::vector<char*> argv, envp;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(log_fd);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0]);
  return pid;
}

bool Exited(pid_t pid) {
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

int FreeTcpPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::unique_ptr<StoreScp> StoreScp::Start(const Options& options) {
  std::unique_ptr<StoreScp> scp(new StoreScp());
  scp->log_file_ = options.log_file;
  // Another process may take the free port first: then storescp exits, and
  // the next attempt uses another port.
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    scp->port_ = FreeTcpPort();
    std::vector<std::string> args = {"storescp", "-aet", options.aet, "-od", options.output_dir};
    args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
    args.push_back(std::to_string(scp->port_));
    scp->pid_ = Spawn(args, options.log_file, options.nagle);
    const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Exited(scp->pid_)) {
        scp->pid_ = -1;
        break;
      }
      std::vector<std::string> probe = {"echoscu", "-aec", options.aet};
      probe.insert(probe.end(), options.probe_args.begin(), options.probe_args.end());
      probe.insert(probe.end(), {"127.0.0.1", std::to_string(scp->port_)});
      auto echo = RunProcess(probe, FastClientEnv());
      if (echo.exit_code == 0) return scp;
      std::this_thread::sleep_for(kProbeInterval);
    }
    if (scp->pid_ > 0) break;  // running but never answered: give up
  }
  throw std::runtime_error("storescp did not become ready; log:\n" + scp->Log());
}

StoreScp::~StoreScp() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

std::string StoreScp::Log() const {
  std::ifstream in(log_file_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::map<std::string, std::string> InstancesIn(const std::string& dir) {
  std::map<std::string, std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    DcmFileFormat file;
    if (file.loadFile(entry.path().c_str()).bad()) continue;
    OFString uid;
    if (file.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid).good()) {
      found[uid.c_str()] = entry.path().string();
    }
  }
  return found;
}

}  // namespace pixeldex::testing
