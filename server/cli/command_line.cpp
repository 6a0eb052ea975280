#include "server/cli/command_line.h"

#include <cstdio>

namespace pixeldex::server {

Status NoPositionalArguments(const std::vector<std::string>& positional) {
  if (positional.empty()) return Status::Ok();
  return Status::InvalidArgument("unexpected argument " + positional.front());
}

ParsedCommandLine ParseCommandLine(ArgParser& parser, const SettingsOptions& settings_options,
                                   int argc, char** argv, const std::string& name,
                                   const std::string& epilogue, const PositionalCheck& check) {
  ParsedCommandLine result;
  bool help = false;
  Status parsed = parser.Parse(argc, argv, 2, &result.positional, &help);
  if (help) {
    std::fputs((parser.Help() + epilogue).c_str(), stdout);
    return result;
  }
  if (parsed.ok()) parsed = check(result.positional);
  auto settings = parsed.ok() ? settings_options.Resolve() : Result<Settings>(parsed);
  if (!settings.ok()) {
    std::fprintf(stderr, "pixeldex %s: %s\n(see 'pixeldex %s --help')\n", name.c_str(),
                 settings.status().message().c_str(), name.c_str());
    result.exit_code = 2;
    return result;
  }
  result.settings = std::move(settings).value();
  return result;
}

int ReportFailure(const std::string& name, const Status& status) {
  std::fprintf(stderr, "pixeldex %s: %s\n", name.c_str(), status.message().c_str());
  return 1;
}

Status ParseJobs(const std::string& text, int* jobs) {
  try {
    size_t used = 0;
    const int n = std::stoi(text, &used);
    if (used == text.size() && n >= 1 && n <= 1024) {
      *jobs = n;
      return Status::Ok();
    }
  } catch (const std::exception&) {
  }
  return Status::InvalidArgument("--jobs expects a number from 1 to 1024, got " + text);
}

}  // namespace pixeldex::server
