// The settings layer and the shipped config file agree with each other.

#include "server/config/settings.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

#include "tests/support/temp_dir.h"

namespace pixeldex::server {
namespace {

const std::string kShippedConfig = std::string(PIXELDEX_SOURCE_DIR) + "/config/pixeldex.conf";

TEST(SettingsTest, ShippedConfigFileParsesToTheEmbeddedDefaults) {
  Settings from_file;
  ASSERT_TRUE(LoadSettingsFile(kShippedConfig, from_file).ok());
  EXPECT_EQ(from_file, Settings{});
}

TEST(SettingsTest, ShippedConfigFileDocumentsEveryKey) {
  std::ifstream in(kShippedConfig);
  std::string line, section;
  std::set<std::string> documented;
  const std::regex key_line(R"(^([a-z_]+)\s*=)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '[') section = line.substr(1, line.find(']') - 1);
    if (std::regex_search(line, m, key_line)) documented.insert(section + "." + m[1].str());
  }
  const std::set<std::string> known(SettingKeys().begin(), SettingKeys().end());
  EXPECT_EQ(documented, known);
}

TEST(SettingsTest, FileValuesOverrideDefaults) {
  testing::TempDir dir;
  const std::string path = dir / "custom.conf";
  std::ofstream(path) << "[network]\naet = OTHER_AE\nport = 4242\n[storage]\nduplicates = reject\n";
  Settings s;
  ASSERT_TRUE(LoadSettingsFile(path, s).ok());
  EXPECT_EQ(s.network.aet, "OTHER_AE");
  EXPECT_EQ(s.network.port, 4242);
  EXPECT_EQ(s.storage.duplicates, ingest::DuplicatePolicy::kReject);
}

TEST(SettingsTest, ErrorsNameTheLineAndTheKey) {
  testing::TempDir dir;
  const std::string path = dir / "bad.conf";
  std::ofstream(path) << "[network]\nport = 70000\n";
  Settings s;
  Status status = LoadSettingsFile(path, s);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("bad.conf:2"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("network.port"), std::string::npos) << status.message();
}

TEST(SettingsTest, UnknownKeysAndBadValuesAreRefused) {
  Settings s;
  EXPECT_FALSE(ApplySetting(s, "network.aett", "X").ok());
  EXPECT_FALSE(ApplySetting(s, "network.aet", "THIS_IS_MORE_THAN_16").ok());
  EXPECT_FALSE(ApplySetting(s, "storage.duplicates", "sometimes").ok());
  EXPECT_FALSE(ApplySetting(s, "thumbnails.enabled", "maybe").ok());
  EXPECT_TRUE(ApplySetting(s, "thumbnails.enabled", "false").ok());
  EXPECT_FALSE(s.thumbnails.enabled);
  EXPECT_FALSE(ApplySetting(s, "move.destinations", "VIEWER=host").ok());
  EXPECT_TRUE(ApplySetting(s, "move.destinations", "VIEWER=host:104").ok());
  EXPECT_EQ(s.move.destinations, "VIEWER=host:104");
  EXPECT_TRUE(ApplySetting(s, "move.destinations", "VIEWER=tls://host:2762").ok());
  EXPECT_FALSE(ApplySetting(s, "move.destinations", "VIEWER=tls://host").ok());
  EXPECT_FALSE(ApplySetting(s, "access.retrieve_callers", "VIEWER@").ok());
}

TEST(SettingsTest, TlsChoicesAreCheckedAndListed) {
  Settings s;
  const Status bad = ApplySetting(s, "tls.verify_peer", "sometimes");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("none, request, require"), std::string::npos) << bad.message();
  EXPECT_TRUE(ApplySetting(s, "tls.verify_peer", "require").ok());
  EXPECT_EQ(s.tls.verify_peer, PeerVerification::kRequire);
  EXPECT_TRUE(ApplySetting(s, "tls.profile", "bcp195").ok());
  EXPECT_EQ(s.tls.profile, TlsProfile::kBcp195);
  EXPECT_FALSE(ApplySetting(s, "tls.profile", "tls10").ok());
  EXPECT_TRUE(ApplySetting(s, "tls.ca_file", "").ok()) << "paths may be left empty";
}

}  // namespace
}  // namespace pixeldex::server
