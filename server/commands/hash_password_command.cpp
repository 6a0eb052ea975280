// pixeldex hash-password: prints the salted hash of a password (or of a new
// random bearer token) in the form http.users and http.tokens hold.

#include <charconv>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "server/cli/arg_parser.h"
#include "server/commands/commands.h"
#include "server/http/password_hash.h"

namespace pixeldex::server {
namespace {

constexpr char kHashPasswordDescription[] =
    R"(Print the salted hash of a password for http.users, read as the first line of
standard input (not an argument, which other users could see in the process
list):
  pbkdf2-sha256$ITERATIONS$SALT$HASH
PBKDF2-HMAC-SHA256 with a random 16-byte salt; 600000 iterations unless
--iterations says otherwise.

With --token, no input is read: a new random bearer token (32 bytes,
base64url) is printed on the first line and its hash, for http.tokens, on
the second. Give the token to the client; keep only the hash in the config.
See README, "DICOMweb".

Exit status: 0 printed; 1 no password on stdin or no randomness; 2 bad usage.

Examples:
  printf '%s\n' 'correct horse' | pixeldex hash-password
  pixeldex hash-password --token)";

}  // namespace

int RunHashPassword(int argc, char** argv) {
  ArgParser parser("pixeldex hash-password [--iterations N] [--token]", kHashPasswordDescription);
  int iterations = kDefaultPasswordIterations;
  bool token = false;
  parser.Option("--iterations", "N", "PBKDF2 iterations (at least 1000; default 600000)",
                [&](const std::string& v) {
                  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), iterations);
                  if (ec != std::errc() || ptr != v.data() + v.size() ||
                      iterations < kMinPasswordIterations) {
                    return Status::InvalidArgument("--iterations: expected a number of at least " +
                                                   std::to_string(kMinPasswordIterations));
                  }
                  return Status::Ok();
                });
  parser.Flag("--token", "make a new random bearer token and print it and its hash", [&] {
    token = true;
    return Status::Ok();
  });
  std::vector<std::string> positional;
  bool help = false;
  const Status parsed = parser.Parse(argc, argv, 2, &positional, &help);
  if (help) {
    std::printf("%s", parser.Help().c_str());
    return 0;
  }
  if (!parsed.ok() || !positional.empty()) {
    std::fprintf(stderr, "pixeldex hash-password: %s\n%s",
                 parsed.ok() ? "takes no arguments" : parsed.message().c_str(),
                 parser.Help().c_str());
    return 2;
  }
  std::string secret;
  if (token) {
    auto made = NewToken();
    if (!made.ok()) {
      std::fprintf(stderr, "pixeldex hash-password: %s\n", made.status().message().c_str());
      return 1;
    }
    secret = *made;
    std::printf("%s\n", secret.c_str());
  } else if (!std::getline(std::cin, secret) || secret.empty()) {
    std::fprintf(stderr, "pixeldex hash-password: no password on standard input\n");
    return 1;
  }
  auto hash = HashPassword(secret, iterations);
  if (!hash.ok()) {
    std::fprintf(stderr, "pixeldex hash-password: %s\n", hash.status().message().c_str());
    return 1;
  }
  std::printf("%s\n", hash->c_str());
  return 0;
}

}  // namespace pixeldex::server
