#pragma once
// ParseCommandLine: what every archive subcommand does with its argv before
// it runs, in one place: parse the declared options, print --help, check the
// positional arguments, resolve the settings, and report bad usage on stderr
// as "pixeldex <name>: <reason>" with a pointer to --help.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog/common/status.h"
#include "server/cli/arg_parser.h"
#include "server/cli/settings_options.h"

namespace pixeldex::server {

struct ParsedCommandLine {
  // The settings to run with; empty when the command must exit right away
  // with `exit_code` (0 after --help, 2 for bad usage).
  std::optional<Settings> settings;
  int exit_code = 0;
  std::vector<std::string> positional;
};

// Checks the positional arguments; the default accepts none.
using PositionalCheck = std::function<Status(const std::vector<std::string>&)>;
Status NoPositionalArguments(const std::vector<std::string>& positional);

// `name` is the subcommand ("check"); `epilogue` follows the option list in --help.
ParsedCommandLine ParseCommandLine(ArgParser& parser, const SettingsOptions& settings_options,
                                   int argc, char** argv, const std::string& name,
                                   const std::string& epilogue,
                                   const PositionalCheck& check = NoPositionalArguments);

// Reports a failure at run time of subcommand `name` on stderr as
// "pixeldex <name>: <message>"; returns the exit code for it, 1.
int ReportFailure(const std::string& name, const Status& status);

// Parses --jobs N: a number of threads from 1 to 1024.
Status ParseJobs(const std::string& text, int* jobs);

}  // namespace pixeldex::server
