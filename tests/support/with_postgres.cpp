// with_postgres COMMAND [ARG...]: runs COMMAND with a throwaway PostgreSQL
// server (postgres_server.h) whose URI is in the environment variable
// PIXELDEX_TEST_POSTGRES, and stops the server afterwards: how a test that
// is no C++ (the browser journey, tests/browser) runs on a PostgreSQL index.
// Exits with COMMAND's exit status (128 + the signal that ended it), or 1
// when the server cannot be made or COMMAND cannot be started.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "tests/support/postgres_server.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: with_postgres COMMAND [ARG...]\n");
    return 2;
  }
  try {
    pixeldex::testing::PostgresServer postgres;
    const pid_t child = ::fork();
    if (child < 0) {
      std::perror("with_postgres: fork");
      return 1;
    }
    if (child == 0) {
      ::setenv("PIXELDEX_TEST_POSTGRES", postgres.Uri().c_str(), 1);
      ::execvp(argv[1], argv + 1);
      std::perror("with_postgres: exec");
      std::_Exit(127);
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0) {
    }
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "with_postgres: %s\n", e.what());
    return 1;
  }
}
