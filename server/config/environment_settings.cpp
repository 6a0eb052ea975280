#include "server/config/environment_settings.h"

#include <cctype>
#include <map>

extern char** environ;

namespace pixeldex::server {
namespace {

constexpr std::string_view kPrefix = "PIXELDEX_";

// Variable name -> setting key, for every known key.
const std::map<std::string, std::string>& KeysByVariable() {
  static const std::map<std::string, std::string> keys = [] {
    std::map<std::string, std::string> k;
    for (const std::string& key : SettingKeys()) k[EnvironmentVariableFor(key)] = key;
    return k;
  }();
  return keys;
}

}  // namespace

std::string EnvironmentVariableFor(const std::string& key) {
  std::string name(kPrefix);
  for (char c : key) {
    name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

std::vector<std::string> ProcessEnvironment() {
  std::vector<std::string> entries;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) entries.emplace_back(*e);
  return entries;
}

Status ApplyEnvironment(const std::vector<std::string>& environment, Settings& settings,
                        std::vector<std::string>* unknown) {
  for (const std::string& entry : environment) {
    if (entry.rfind(kPrefix, 0) != 0) continue;
    const size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    const std::string name = entry.substr(0, eq);
    if (name == kConfigFileVariable || name == kTestThrowOnCommandVariable) continue;
    auto key = KeysByVariable().find(name);
    if (key == KeysByVariable().end()) {
      unknown->push_back(name);
      continue;
    }
    Status s = ApplySetting(settings, key->second, entry.substr(eq + 1));
    if (!s.ok())
      return Status::InvalidArgument("environment variable " + name + ": " + s.message());
  }
  return Status::Ok();
}

}  // namespace pixeldex::server
