#include "tests/support/server_process.h"

#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace pixeldex::testing {
namespace {

constexpr int kReadyTimeoutMs = 30000;

}  // namespace

std::unique_ptr<ServerProcess> ServerProcess::Start(const Options& options) {
  std::unique_ptr<ServerProcess> server(new ServerProcess());
  server->log_file_ = options.log_file;
  std::vector<std::string> args = {PIXELDEX_BINARY, "serve", "--port", "0"};
  if (!options.storage.empty()) args.insert(args.end(), {"--storage", options.storage});
  if (!options.index.empty()) args.insert(args.end(), {"--index", options.index});
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  std::vector<std::string> env = EnvironmentWith(options.env);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const int log_fd = ::open(options.log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);
  const int rc = ::posix_spawn(&server->pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(log_fd);
  if (rc != 0) {
    ::close(out[0]);
    server->pid_ = -1;
    throw std::runtime_error("cannot start " + args[0]);
  }

  // Wait for the readiness line(s) on stdout.
  std::string seen;
  const std::regex ready(R"(pixeldex listening on [^ ]*:(\d+))");
  const std::regex tls_ready(R"(pixeldex tls listening on [^ ]*:(\d+))");
  std::smatch match, tls_match;
  auto is_ready = [&] {
    return std::regex_search(seen, match, ready) &&
           (!options.expect_tls || std::regex_search(seen, tls_match, tls_ready));
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kReadyTimeoutMs);
  while (!is_ready()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now()).count();
    pollfd pfd{out[0], POLLIN, 0};
    if (left <= 0 || ::poll(&pfd, 1, static_cast<int>(left)) <= 0) break;
    char buffer[512];
    const ssize_t n = ::read(out[0], buffer, sizeof(buffer));
    if (n <= 0) break;
    seen.append(buffer, static_cast<size_t>(n));
  }
  ::close(out[0]);  // later stdout lines go nowhere (the server writes only these)
  if (!is_ready()) {
    server->Kill();
    throw std::runtime_error("pixeldex did not become ready; stdout: " + seen +
                             "\nlog:\n" + server->Log());
  }
  server->port_ = std::stoi(match[1]);
  if (options.expect_tls) server->tls_port_ = std::stoi(tls_match[1]);
  const std::regex http_ready(R"(http listening on [^ ]*:(\d+))");
  if (std::regex_search(seen, match, http_ready)) server->http_port_ = std::stoi(match[1]);
  return server;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill();
}

int ServerProcess::Wait() {
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  Terminate();
  return Wait();
}

void ServerProcess::Terminate() {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  Wait();
}

void ServerProcess::Signal(int signal_number) const {
  if (pid_ > 0) ::kill(pid_, signal_number);
}

std::string ServerProcess::Log() const {
  std::ifstream in(log_file_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool ServerProcess::WaitForLog(const std::string& text, int timeout_ms) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (Log().find(text) != std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace pixeldex::testing
