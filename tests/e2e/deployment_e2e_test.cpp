// The deployment recipes, exercised outside a container engine (none runs on
// the build machines): the Dockerfile's own environment running the real
// server, its HEALTHCHECK script and the compose demo sender against a real
// server, the systemd unit verified offline, readiness notification ($NOTIFY_SOCKET), and
// settings from environment variables.

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/e2e/e2e_fixture.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

const std::string kSource = PIXELDEX_SOURCE_DIR;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The Dockerfile's instructions, continuation lines joined, comments dropped.
std::vector<std::string> DockerfileInstructions() {
  std::istringstream in(ReadText(kSource + "/docker/Dockerfile"));
  std::vector<std::string> instructions;
  std::string line, current;
  while (std::getline(in, line)) {
    if (current.empty() && (line.empty() || line[0] == '#')) continue;
    const bool continued = !line.empty() && line.back() == '\\';
    current += continued ? line.substr(0, line.size() - 1) : line;
    if (!continued) {
      instructions.push_back(current);
      current.clear();
    }
  }
  return instructions;
}

// The final stage's instructions (after the last FROM).
std::vector<std::string> RuntimeStage() {
  auto all = DockerfileInstructions();
  size_t last_from = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].rfind("FROM ", 0) == 0) last_from = i;
  }
  return {all.begin() + static_cast<long>(last_from), all.end()};
}

// No Dockerfile linter is packaged for Debian 12 (hadolint is not); these are
// the checks that matter here.
TEST(DockerfileTest, RuntimeStageIsNonRootWithVolumePortsAndHealthcheck) {
  const auto stage = RuntimeStage();
  auto has = [&](const std::string& prefix) {
    return std::any_of(stage.begin(), stage.end(),
                       [&](const std::string& i) { return i.rfind(prefix, 0) == 0; });
  };
  EXPECT_TRUE(has("FROM debian:12-slim"));
  EXPECT_TRUE(has("USER pixeldex"));
  EXPECT_TRUE(has("VOLUME [\"/var/lib/pixeldex\"]"));
  EXPECT_TRUE(has("EXPOSE 11112 8080"));
  EXPECT_TRUE(has("HEALTHCHECK "));
  EXPECT_TRUE(has("ENTRYPOINT [\"pixeldex\"]"));
  // Every file copied from the build context exists in the repository.
  const std::regex copy(R"(^COPY (?!--from)(\S+) )");
  std::smatch m;
  for (const auto& i : DockerfileInstructions()) {
    if (std::regex_search(i, m, copy) && m[1] != ".") {
      EXPECT_TRUE(fs::exists(kSource + "/" + m[1].str())) << i;
    }
  }
}

TEST(DockerfileTest, BuildContextLeavesHostBuildTreesOut) {
  const std::string ignore = ReadText(kSource + "/.dockerignore");
  EXPECT_NE(ignore.find("\nbuild/\n"), std::string::npos) << ignore;
}

// docker/compose.yaml and the Dockerfile name the same things.
TEST(ComposeFileTest, AgreesWithTheDockerfile) {
  const std::string compose = ReadText(kSource + "/docker/compose.yaml");
  const std::string dockerfile = ReadText(kSource + "/docker/Dockerfile");
  EXPECT_NE(compose.find("dockerfile: docker/Dockerfile"), std::string::npos);
  EXPECT_NE(compose.find("pixeldex-data:/var/lib/pixeldex"), std::string::npos);
  EXPECT_NE(compose.find("profiles: [\"demo\"]"), std::string::npos);
  EXPECT_NE(compose.find("condition: service_healthy"), std::string::npos);
  EXPECT_NE(compose.find("entrypoint: [\"pixeldex-demo-sender\"]"), std::string::npos);
  EXPECT_NE(dockerfile.find("COPY docker/demo-sender.sh /usr/local/bin/pixeldex-demo-sender"),
            std::string::npos);
  EXPECT_NE(dockerfile.find("VOLUME [\"/var/lib/pixeldex\"]"), std::string::npos);
}

class DeploymentE2eTest : public ServerTest {};

TEST(ContainerEnvironmentE2eTest, TheDockerfilesEnvironmentRunsTheServer) {
  // The image's ENV, with its paths moved into a temp dir and a free HTTP port.
  TempDir dir;
  const std::string data = dir / "var-lib-pixeldex";
  fs::create_directories(data);
  std::map<std::string, std::string> env;
  const std::regex pair(R"((PIXELDEX_[A-Z_]+)=(\S+))");
  for (const auto& i : RuntimeStage()) {
    if (i.rfind("ENV ", 0) != 0) continue;
    for (std::sregex_iterator it(i.begin(), i.end(), pair), end; it != end; ++it) {
      std::string value = (*it)[2];
      value = std::regex_replace(value, std::regex("^/etc/pixeldex/"), kSource + "/config/");
      value = std::regex_replace(value, std::regex("^/var/lib/pixeldex"), data);
      env[(*it)[1]] = value;
    }
  }
  ASSERT_EQ(env.count("PIXELDEX_STORAGE_ROOT"), 1u);
  ASSERT_EQ(env["PIXELDEX_HTTP_LISTEN"], "0.0.0.0:8080");
  env["PIXELDEX_HTTP_LISTEN"] = "127.0.0.1:0";
  ServerProcess::Options options;  // no --storage/--index: the environment decides
  options.log_file = dir / "server.log";
  options.env = env;
  auto server = ServerProcess::Start(options);
  EXPECT_GT(server->http_port(), 0);
  const std::string file = dir / "x.dcm";
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  WriteTestInstance(file, t);
  auto r = RunProcess({"storescu", "-aec", "PIXELDEX", "127.0.0.1", server->port_string(), file},
                      FastClientEnv());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(IndexProbe(data + "/index.db").Count("SELECT count(*) FROM instances"), 1);
  EXPECT_TRUE(fs::exists(data + "/storage/" + t.study_uid));
  EXPECT_EQ(server->Stop(), 0);
}

class HealthcheckE2eTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--aet", "HEALTHY_AE", "--set", "network.require_called_aet=true"};
  }
  ProcessResult Healthcheck(const std::string& aet) const {
    return RunProcess(
        {"sh", kSource + "/docker/healthcheck.sh"},
        {{"PIXELDEX_NETWORK_AET", aet}, {"PIXELDEX_NETWORK_PORT", server_->port_string()}});
  }
};

TEST_F(HealthcheckE2eTest, EchoSucceedsOnlyAgainstTheLiveServerAndItsAeTitle) {
  EXPECT_EQ(Healthcheck("HEALTHY_AE").exit_code, 0);
  EXPECT_NE(Healthcheck("OTHER_AE").exit_code, 0);
  EXPECT_NE(server_->Log().find("HEALTHCHECK -> HEALTHY_AE from 127.0.0.1 ended (released)"),
            std::string::npos)
      << server_->Log();
  ASSERT_EQ(server_->Stop(), 0);
  EXPECT_NE(Healthcheck("HEALTHY_AE").exit_code, 0);
}

TEST(HealthcheckConfigE2eTest, AeTitleAndPortComeFromTheConfigFileWithoutEnvironment) {
  TempDir dir;
  ServerProcess::Options options = ArchiveIn(dir);
  options.extra_args = {"--aet", "FILE_AE", "--set", "network.require_called_aet=true"};
  auto server = ServerProcess::Start(options);
  const std::string conf = dir / "pixeldex.conf";
  auto check = [&] {
    return RunProcess({"sh", kSource + "/docker/healthcheck.sh"}, {{"PIXELDEX_CONFIG", conf}})
        .exit_code;
  };
  std::ofstream(conf) << "[storage]\nport = 1\n[network]\n  aet = FILE_AE\nport=" << server->port()
                      << "\n[log]\naet = NOT_THIS\n";
  EXPECT_EQ(check(), 0);
  std::ofstream(conf) << "[network]\naet = OTHER_AE\nport = " << server->port() << "\n";
  EXPECT_NE(check(), 0);
}

TEST_F(DeploymentE2eTest, DemoSenderStoresAndFindsItsStudy) {
  const std::map<std::string, std::string> env = {{"DEMO_TARGET", "127.0.0.1"},
                                                  {"DEMO_PORT", server_->port_string()},
                                                  {"DEMO_COUNT", "3"},
                                                  {"TCP_NODELAY", "1"}};
  auto r = RunProcess({"sh", kSource + "/docker/demo-sender.sh"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instance_details WHERE patient_id = 'DEMO-1'"), 3);
  EXPECT_NE(r.output.find("(0020,1208) IS [3 ]"), std::string::npos) << r.output;
}

TEST(SystemdUnitTest, VerifiesOfflineAndIsHardened) {
  TempDir dir;
  // systemd-analyze checks that ExecStart= names an executable: the built one.
  const std::string unit =
      std::regex_replace(ReadText(kSource + "/config/pixeldex.service"),
                         std::regex("/usr/local/bin/pixeldex"), std::string(PIXELDEX_BINARY));
  const std::string path = dir / "pixeldex.service";
  std::ofstream(path) << unit;
  auto verify = RunProcess({"systemd-analyze", "verify", path});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_EQ(verify.output, "") << "warnings mean ignored or misspelled settings";
  // Exposure score of `systemd-analyze security` at most 2.0 ("OK") of 10.
  auto security =
      RunProcess({"systemd-analyze", "security", "--offline=true", "--threshold=20", path});
  EXPECT_EQ(security.exit_code, 0) << security.output;
  for (const char* setting : {"Type=notify", "User=pixeldex", "NoNewPrivileges=yes",
                              "ProtectSystem=strict", "ReadWritePaths=/var/lib/pixeldex"}) {
    EXPECT_NE(unit.find(std::string("\n") + setting + "\n"), std::string::npos) << setting;
  }
}

// A Unix datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  }
  ~NotifySocket() { ::close(fd_); }
  // The next datagram, or "" after 10 s.
  std::string Receive() {
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, 10000) <= 0) return "";
    char buffer[256];
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  }

 private:
  std::string path_;
  int fd_ = -1;
};

TEST(ServiceNotifyE2eTest, ReadyWhenListeningAndStoppingOnSigterm) {
  TempDir dir;
  NotifySocket socket(dir / "notify");
  ServerProcess::Options options = ArchiveIn(dir);
  options.env = {{"NOTIFY_SOCKET", dir / "notify"}};
  auto server = ServerProcess::Start(options);
  EXPECT_EQ(socket.Receive(), "READY=1");
  EXPECT_EQ(server->Stop(), 0);
  EXPECT_EQ(socket.Receive(), "STOPPING=1");
}

TEST(EnvironmentE2eTest, BadOrUnknownVariablesAreReportedByName) {
  TempDir dir;
  auto bad = RunProcess({PIXELDEX_BINARY, "serve", "--storage", dir / "s", "--index", dir / "i.db"},
                        {{"PIXELDEX_NETWORK_MAX_ASSOCIATIONS", "lots"}});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("PIXELDEX_NETWORK_MAX_ASSOCIATIONS"), std::string::npos) << bad.output;

  ServerProcess::Options options = ArchiveIn(dir);
  // The flag (--port 0 from ServerProcess) wins over the environment's port.
  options.env = {{"PIXELDEX_NETWRK_AET", "TYPO"},
                 {"PIXELDEX_NETWORK_PORT", "1"},
                 {"PIXELDEX_NETWORK_AET", "ENV_AE"},
                 {"PIXELDEX_NETWORK_REQUIRE_CALLED_AET", "true"}};
  auto server = ServerProcess::Start(options);
  EXPECT_NE(server->port(), 1);
  EXPECT_NE(server->Log().find("ignoring environment variable PIXELDEX_NETWRK_AET"),
            std::string::npos)
      << server->Log();
  EXPECT_EQ(EchoScu(*server, "ECHOSCU", "ENV_AE").exit_code, 0);
  EXPECT_NE(EchoScu(*server, "ECHOSCU", "PIXELDEX").exit_code, 0);
}

// Waits (bounded) until the server's log contains `text` `count` times.
bool LogShows(const ServerProcess& server, const std::string& text, int count) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    const std::string log = server.Log();
    int seen = 0;
    for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++seen;
    if (seen >= count) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll, bounded above
  }
}

TEST(ReloadE2eTest, SighupSwapsTheAccessListsAndKeepsThemOnABadFile) {
  TempDir dir;
  const std::string conf = dir / "pixeldex.conf";
  std::ofstream(conf) << "[access]\nallowed_callers = MODALITY\n";
  ServerProcess::Options options = ArchiveIn(dir);
  options.extra_args = {"--config", conf};
  auto server = ServerProcess::Start(options);
  auto echo_as = [&](const std::string& aet) { return EchoScu(*server, aet).exit_code; };
  EXPECT_EQ(echo_as("MODALITY"), 0);
  EXPECT_NE(echo_as("VIEWER"), 0);

  std::ofstream(conf) << "[access]\nallowed_callers = VIEWER\n";
  server->Signal(SIGHUP);
  ASSERT_TRUE(LogShows(*server, "SIGHUP: access lists reloaded (allowed_callers 'VIEWER'", 1))
      << server->Log();
  EXPECT_EQ(echo_as("VIEWER"), 0);
  EXPECT_NE(echo_as("MODALITY"), 0);

  std::ofstream(conf) << "[access]\nallowed_callers = AN_AE_TITLE_LONGER_THAN_16\n";
  server->Signal(SIGHUP);
  ASSERT_TRUE(LogShows(*server, "SIGHUP: reload failed, the current access lists stay", 1))
      << server->Log();
  EXPECT_EQ(echo_as("VIEWER"), 0);
  EXPECT_EQ(server->Stop(), 0);
}

}  // namespace
}  // namespace pixeldex::testing
