#pragma once
// The options every subcommand that touches an archive shares: --config FILE,
// --storage DIR, --index FILE and --set section.key=value. Values apply in
// order of precedence: embedded defaults, then the config file (--config, or
// $PIXELDEX_CONFIG), then PIXELDEX_<SECTION>_<KEY> environment variables,
// then flags.

#include <string>
#include <utility>
#include <vector>

#include "catalog/common/result.h"
#include "server/cli/arg_parser.h"
#include "server/config/settings.h"

namespace pixeldex::server {

class SettingsOptions {
 public:
  // Declares --config, --storage, --index and --set on `parser`.
  void AddTo(ArgParser& parser);
  // Records an override of "section.key" (for subcommand-specific flags).
  void Override(std::string key, std::string value);
  // Builds the effective settings and configures the process log from them
  // (log.level, log.format); then warns about PIXELDEX_ environment
  // variables that name no setting.
  Result<Settings> Resolve() const;

 private:
  std::string config_path_;
  std::vector<std::pair<std::string, std::string>> overrides_;
};

}  // namespace pixeldex::server
