#include "server/cli/settings_options.h"

#include <cstdlib>

#include "catalog/common/log.h"

#include "server/config/environment_settings.h"

namespace pixeldex::server {

void SettingsOptions::AddTo(ArgParser& parser) {
  parser.Option("--config", "FILE", "read settings from FILE (see config/pixeldex.conf)",
                [this](const std::string& v) {
                  config_path_ = v;
                  return Status::Ok();
                });
  parser.Option("--storage", "DIR", "storage root (storage.root)", [this](const std::string& v) {
    Override("storage.root", v);
    return Status::Ok();
  });
  parser.Option("--index", "FILE|URI",
                "SQLite index file, or postgresql://USER@HOST:PORT/DB (storage.index)",
                [this](const std::string& v) {
                  Override("storage.index", v);
                  return Status::Ok();
                });
  parser.Option("--set", "SECTION.KEY=VALUE", "override any config key, e.g. --set log.level=debug",
                [this](const std::string& v) {
                  const size_t eq = v.find('=');
                  if (eq == std::string::npos) {
                    return Status::InvalidArgument("--set expects SECTION.KEY=VALUE, got " + v);
                  }
                  Override(v.substr(0, eq), v.substr(eq + 1));
                  return Status::Ok();
                });
}

void SettingsOptions::Override(std::string key, std::string value) {
  overrides_.emplace_back(std::move(key), std::move(value));
}

Result<Settings> SettingsOptions::Resolve() const {
  Settings settings;
  const char* config_from_environment = std::getenv(kConfigFileVariable);
  const std::string config_path = !config_path_.empty()   ? config_path_
                                  : config_from_environment ? config_from_environment
                                                            : "";
  if (!config_path.empty()) PIXELDEX_RETURN_IF_ERROR(LoadSettingsFile(config_path, settings));
  std::vector<std::string> unknown;
  PIXELDEX_RETURN_IF_ERROR(ApplyEnvironment(ProcessEnvironment(), settings, &unknown));
  for (const auto& [key, value] : overrides_) {
    PIXELDEX_RETURN_IF_ERROR(ApplySetting(settings, key, value));
  }
  ConfigureLog(settings.log.level, settings.log.format);
  for (const std::string& name : unknown) {
    LogWarning("ignoring environment variable {}: no such setting", name);
  }
  return settings;
}

}  // namespace pixeldex::server
