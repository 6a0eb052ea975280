// Settings from PIXELDEX_<SECTION>_<KEY> environment variables, and the
// precedence defaults < config file < environment < flags.

#include "server/config/environment_settings.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "server/cli/settings_options.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::server {
namespace {

TEST(EnvironmentSettingsTest, EveryKeyHasItsVariable) {
  EXPECT_EQ(EnvironmentVariableFor("network.aet"), "PIXELDEX_NETWORK_AET");
  EXPECT_EQ(EnvironmentVariableFor("network.max_pdu"), "PIXELDEX_NETWORK_MAX_PDU");
  for (const std::string& key : SettingKeys()) {
    Settings s;
    std::vector<std::string> unknown;
    // Any value: known variables are applied (and may be refused), never unknown.
    (void)ApplyEnvironment({EnvironmentVariableFor(key) + "=1"}, s, &unknown);
    EXPECT_TRUE(unknown.empty()) << key;
  }
}

TEST(EnvironmentSettingsTest, AppliesKnownVariablesAndReportsUnknownOnes) {
  Settings s;
  std::vector<std::string> unknown;
  ASSERT_TRUE(ApplyEnvironment({"PIXELDEX_NETWORK_AET=FROM_ENV", "PIXELDEX_NETWORK_PORT=4000",
                                "PIXELDEX_HTTP_LISTEN=127.0.0.1:0", "PIXELDEX_NETWRK_PORT=1",
                                "PIXELDEX_CONFIG=/etc/x.conf", "HOME=/root", "PATH=/bin"},
                               s, &unknown)
                  .ok());
  EXPECT_EQ(s.network.aet, "FROM_ENV");
  EXPECT_EQ(s.network.port, 4000);
  EXPECT_EQ(s.http.listen, "127.0.0.1:0");
  EXPECT_EQ(unknown, std::vector<std::string>{"PIXELDEX_NETWRK_PORT"});
}

TEST(EnvironmentSettingsTest, BadValuesNameTheVariable) {
  Settings s;
  std::vector<std::string> unknown;
  Status status = ApplyEnvironment({"PIXELDEX_NETWORK_PORT=seventy"}, s, &unknown);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("PIXELDEX_NETWORK_PORT"), std::string::npos) << status.message();
  EXPECT_FALSE(ApplyEnvironment({"PIXELDEX_HTTP_LISTEN=nowhere"}, s, &unknown).ok());
}

// The process environment is changed only inside this test, and restored.
TEST(EnvironmentSettingsTest, PrecedenceIsDefaultsFileEnvironmentFlags) {
  testing::TempDir dir;
  const std::string conf = dir / "p.conf";
  std::ofstream(conf) << "[network]\naet = FILE_AE\nport = 1111\nmax_associations = 7\n"
                         "[storage]\nroot = /from/file\n";
  ::setenv("PIXELDEX_CONFIG", conf.c_str(), 1);
  ::setenv("PIXELDEX_NETWORK_AET", "ENV_AE", 1);
  ::setenv("PIXELDEX_NETWORK_PORT", "2222", 1);
  ArgParser parser("test", "test");
  SettingsOptions options;
  options.AddTo(parser);
  std::vector<std::string> args = {"pixeldex", "serve", "--set", "network.port=3333"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::vector<std::string> positional;
  bool help = false;
  ASSERT_TRUE(parser.Parse(static_cast<int>(argv.size()), argv.data(), 2, &positional, &help).ok());
  auto settings = options.Resolve();
  ::unsetenv("PIXELDEX_CONFIG");
  ::unsetenv("PIXELDEX_NETWORK_AET");
  ::unsetenv("PIXELDEX_NETWORK_PORT");
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_EQ(settings->network.max_associations, 7);  // file over default
  EXPECT_EQ(settings->storage.root, "/from/file");
  EXPECT_EQ(settings->network.aet, "ENV_AE");  // environment over file
  EXPECT_EQ(settings->network.port, 3333);     // flag over environment
  EXPECT_EQ(settings->network.dimse_timeout_seconds, Settings{}.network.dimse_timeout_seconds);
}

}  // namespace
}  // namespace pixeldex::server
