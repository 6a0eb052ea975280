#include "tests/support/postgres_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "tests/support/process.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

// The unprivileged user the server runs as when tests run as root: the one
// Debian's postgresql-common creates.
constexpr const char* kServerUser = "postgres";

// The folder of the server binaries: that of `initdb` on PATH (a PostgreSQL
// built by hand, or a link to Debian's), else the newest
// /usr/lib/postgresql/VERSION/bin (Debian keeps the server binaries there).
// A link is followed, since its folder may hold initdb alone.
std::string FindBinDir() {
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');) {
      const fs::path initdb = fs::path(dir) / "initdb";
      std::error_code ec;
      if (!dir.empty() && ::access(initdb.c_str(), X_OK) == 0) {
        return fs::canonical(initdb, ec).parent_path().string();
      }
    }
  }
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (::access((entry.path() / "bin/initdb").c_str(), X_OK) == 0) found.push_back(entry.path());
  }
  if (found.empty()) {
    throw std::runtime_error("no PostgreSQL server binaries (initdb): run scripts/install-deps.sh");
  }
  std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
    return std::stoi(a.filename().string()) < std::stoi(b.filename().string());
  });
  return (found.back() / "bin").string();
}

// A port nobody listens on now (the kernel's choice for port 0); the
// server is started on it right after, and on another when it was taken
// meanwhile.
int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(addr);
  int port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) ::close(fd);
  if (port == 0) throw std::runtime_error("no free loopback port");
  return port;
}

std::string RandomPassword() {
  static constexpr char kChars[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::random_device device;
  std::uniform_int_distribution<size_t> pick(0, sizeof(kChars) - 2);
  std::string out = "pw";
  for (int i = 0; i < 20; ++i) out += kChars[pick(device)];
  return out;
}

}  // namespace

PostgresServer::PostgresServer()
    : bin_dir_(FindBinDir()),
      data_dir_(dir_ / "data"),
      log_file_(dir_ / "server.log"),
      password_(RandomPassword()) {
  if (::geteuid() == 0) {
    const passwd* user = ::getpwnam(kServerUser);
    if (user == nullptr) {
      throw std::runtime_error(
          "no user 'postgres' to run the server as: run scripts/install-deps.sh");
    }
    if (::chown(dir_.path().c_str(), user->pw_uid, user->pw_gid) != 0) {
      throw std::runtime_error("cannot give " + dir_.path().string() + " to 'postgres'");
    }
  }
  const std::string password_file = dir_ / "password";
  std::ofstream(password_file) << password_ << "\n";
  // Local (Unix socket) connections trusted, for createdb below; TCP needs
  // the password. C locale: the same collation on every machine.
  Run("initdb", {"-D", data_dir_, "-U", kUser, "--pwfile=" + password_file, "--auth-local=trust",
                 "--auth-host=scram-sha-256", "--locale=C", "--encoding=UTF8", "--no-sync"});
  fs::remove(password_file);
  for (int attempt = 0; attempt < 5 && !running_; ++attempt) {
    port_ = FreeLoopbackPort();
    running_ = TryStart();
  }
  if (!running_) throw std::runtime_error("PostgreSQL did not start:\n" + LogTail());
  Run("createdb",
      {"-h", dir_.path().string(), "-p", std::to_string(port_), "-U", kUser, kDatabase});
}

PostgresServer::~PostgresServer() {
  if (!running_) return;
  try {
    Run("pg_ctl", {"stop", "-D", data_dir_, "-m", "immediate", "-w"});
  } catch (const std::exception&) {
    // Nothing left to do in a destructor: the folder goes anyway.
  }
}

std::string PostgresServer::Run(const std::string& program,
                                const std::vector<std::string>& args) const {
  std::vector<std::string> argv;
  if (::geteuid() == 0) argv = {"runuser", "-u", kServerUser, "--"};
  argv.push_back(bin_dir_ + "/" + program);
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult result = RunProcess(argv);
  if (result.exit_code != 0) {
    throw std::runtime_error(program + " failed:\n" + result.output + "\n" + LogTail());
  }
  return result.output;
}

bool PostgresServer::TryStart() {
  // -k: the Unix socket in our folder (not /var/run/postgresql); -h:
  // loopback only; -F: no fsync (a test server's data need not survive a
  // power cut). -w: wait until it accepts connections.
  const std::string options =
      "-p " + std::to_string(port_) + " -k " + dir_.path().string() + " -h 127.0.0.1 -F";
  try {
    Run("pg_ctl", {"start", "-D", data_dir_, "-l", log_file_, "-w", "-t", "300", "-o", options});
    return true;
  } catch (const std::runtime_error&) {
    return false;  // e.g. the port was taken meanwhile; the caller tries another
  }
}

void PostgresServer::Stop() {
  Run("pg_ctl", {"stop", "-D", data_dir_, "-m", "fast", "-w"});
  running_ = false;
}

void PostgresServer::Start() {
  running_ = TryStart();
  if (!running_) throw std::runtime_error("PostgreSQL did not start again:\n" + LogTail());
}

std::string PostgresServer::Uri() const { return UriFor(kUser, password_); }

std::string PostgresServer::UriFor(const std::string& user, const std::string& password) const {
  return "postgresql://" + user + (password.empty() ? "" : ":" + password) +
         "@127.0.0.1:" + std::to_string(port_) + "/" + kDatabase;
}

std::string PostgresServer::LogTail() const {
  std::ifstream in(log_file_);
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  return all.size() > 4000 ? all.substr(all.size() - 4000) : all;
}

}  // namespace pixeldex::testing
