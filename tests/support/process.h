#pragma once
// Running child processes from tests: synchronous runs with captured output,
// and the environment tweaks the DICOM clients need.

#include <map>
#include <string>
#include <vector>

namespace pixeldex::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv[0] (looked up in PATH) with `env_overrides` added to the
// environment, waits for it, and returns its exit code and output.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env_overrides = {});

// This process's environment ("NAME=value" entries) with `overrides` applied.
std::vector<std::string> EnvironmentWith(const std::map<std::string, std::string>& overrides);

// The environment DCMTK's clients need to run at full speed in tests.
std::map<std::string, std::string> FastClientEnv();

}  // namespace pixeldex::testing
