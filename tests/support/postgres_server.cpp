#include "tests/support/postgres_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
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

// Gives `dir` to the server's user when tests run as root (see the header).
void GiveToServerUser(const fs::path& dir) {
  if (::geteuid() != 0) return;
  const passwd* user = ::getpwnam(kServerUser);
  if (user == nullptr) {
    throw std::runtime_error(
        "no user 'postgres' to run the server as: run scripts/install-deps.sh");
  }
  if (::chown(dir.c_str(), user->pw_uid, user->pw_gid) != 0) {
    throw std::runtime_error("cannot give " + dir.string() + " to 'postgres'");
  }
}

}  // namespace

PostgresServer::PostgresServer()
    : bin_dir_(FindBinDir()),
      data_dir_(dir_ / "data"),
      log_file_(dir_ / "server.log"),
      password_(RandomPassword()) {
  GiveToServerUser(dir_.path());
  // A copy of the cluster template (about 0.1 s) instead of an initdb of
  // its own (about 1 s of CPU): the test suites start some 160 servers.
  Run("cp", {"-a", ClusterTemplate() + "/data", data_dir_}, /*in_bin_dir=*/false);
  for (int attempt = 0; attempt < 5 && !running_; ++attempt) {
    port_ = FreeLoopbackPort();
    running_ = TryStart();
  }
  if (!running_) throw std::runtime_error("PostgreSQL did not start:\n" + LogTail());
  // The template's superuser password is nobody's: this server's is set
  // here, over the trusted Unix socket. Each -c runs on its own (CREATE
  // DATABASE cannot run in a transaction block).
  Run("psql", {"-h", dir_.path().string(), "-p", std::to_string(port_), "-U", kUser, "-d",
               "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
               "ALTER ROLE " + std::string(kUser) + " PASSWORD '" + password_ + "'", "-c",
               "CREATE DATABASE " + std::string(kDatabase)});
}

PostgresServer::~PostgresServer() {
  if (!running_) return;
  try {
    Run("pg_ctl", {"stop", "-D", data_dir_, "-m", "immediate", "-w"});
  } catch (const std::exception&) {
    // Nothing left to do in a destructor: the folder goes anyway.
  }
}

std::string PostgresServer::Run(const std::string& program, const std::vector<std::string>& args,
                                bool in_bin_dir) const {
  std::vector<std::string> argv;
  if (::geteuid() == 0) argv = {"runuser", "-u", kServerUser, "--"};
  argv.push_back(in_bin_dir ? bin_dir_ + "/" + program : program);
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult result = RunProcess(argv);
  if (result.exit_code != 0) {
    throw std::runtime_error(program + " failed:\n" + result.output + "\n" + LogTail());
  }
  return result.output;
}

// Made once per machine, PostgreSQL and options (kTemplateVersion): initdb
// into a staging folder beside it, then rename(2), so that servers made at
// the same moment by parallel tests each see a whole template or none, and
// a loser of the race removes its own staging folder.
std::string PostgresServer::ClusterTemplate() const {
  static constexpr const char* kTemplateVersion = "1";
  const fs::path path =
      TempRoot() / ("pixeldex-postgres-template-" + std::to_string(::geteuid()) + "-v" +
                kTemplateVersion + "-" + std::to_string(std::hash<std::string>{}(bin_dir_)));
  if (fs::exists(path / "data" / "PG_VERSION")) return path.string();
  TempDir staging;
  GiveToServerUser(staging.path());
  const std::string password_file = staging / "password";
  std::ofstream(password_file) << RandomPassword() << "\n";
  // Local (Unix socket) connections trusted, for the set-up above; TCP needs
  // the password. C locale: the same collation on every machine.
  Run("initdb", {"-D", staging / "data", "-U", kUser, "--pwfile=" + password_file,
                 "--auth-local=trust", "--auth-host=scram-sha-256", "--locale=C",
                 "--encoding=UTF8", "--no-sync"});
  fs::remove(password_file);
  std::error_code ec;
  fs::rename(staging.path(), path, ec);  // fails when another test's came first
  if (!fs::exists(path / "data" / "PG_VERSION")) {
    throw std::runtime_error("no PostgreSQL cluster template in " + path.string());
  }
  return path.string();
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
