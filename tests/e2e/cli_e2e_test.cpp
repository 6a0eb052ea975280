// The pixeldex command line as a user meets it: `pixeldex help`, every
// command's --help (a manual page: usage, options, exit status),
// `pixeldex help COMMAND`, --version, and JSON logs that are JSON lines.

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "tests/e2e/e2e_fixture.h"

namespace pixeldex::testing {
namespace {

// The commands `pixeldex help` lists.
std::vector<std::string> ListedCommands() {
  auto r = RunProcess({PIXELDEX_BINARY, "help"});
  EXPECT_EQ(r.exit_code, 0);
  std::vector<std::string> commands;
  std::istringstream in(r.output.substr(r.output.find("commands:")));
  std::string line;
  const std::regex entry(R"(^  ([a-z-]+) +\S)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, entry)) commands.push_back(m[1]);
  }
  return commands;
}

TEST(CliTest, EveryCommandHasAManualPageHelp) {
  const auto commands = ListedCommands();
  ASSERT_GE(commands.size(), 5u);
  for (const auto& command : commands) {
    auto help = RunProcess({PIXELDEX_BINARY, command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_EQ(help.output.rfind("usage: pixeldex " + command, 0), 0u) << help.output;
    EXPECT_NE(help.output.find("options:"), std::string::npos) << command;
    EXPECT_TRUE(std::regex_search(help.output, std::regex("exit status", std::regex::icase)))
        << command << " --help does not document its exit status";
    EXPECT_NE(help.output.find("-h, --help"), std::string::npos) << command;
    auto via_help = RunProcess({PIXELDEX_BINARY, "help", command});
    EXPECT_EQ(via_help.exit_code, 0);
    EXPECT_EQ(via_help.output, help.output) << command;
  }
}

TEST(CliTest, VersionUnknownCommandsAndNoArguments) {
  auto version = RunProcess({PIXELDEX_BINARY, "--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(std::regex_match(
      version.output,
      std::regex(R"(pixeldex \d+\.\d+\.\d+ \(DCMTK 3\.\d+\.\d+, SQLite 3\.\d+\.\d+\)\n)")))
      << version.output;
  auto unknown = RunProcess({PIXELDEX_BINARY, "frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown command 'frobnicate'"), std::string::npos);
  EXPECT_EQ(RunProcess({PIXELDEX_BINARY, "help", "frobnicate"}).exit_code, 2);
  auto bare = RunProcess({PIXELDEX_BINARY});
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_NE(bare.output.find("usage: pixeldex <command>"), std::string::npos);
  EXPECT_EQ(RunProcess({PIXELDEX_BINARY, "serve", "--bogus"}).exit_code, 2);
}

class JsonLogE2eTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--log-format=json", "--log-level=debug",
            "--set=access.allowed_callers=MODALITY ECHOSCU", "--set=storage.duplicates=reject"};
  }
};

TEST_F(JsonLogE2eTest, EveryLogLineIsOneJsonObjectWithTimeLevelAndMessage) {
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  ASSERT_EQ(StoreScu({MakeInstance(t, "a.dcm")}).exit_code, 0);
  // A failure, too: an association from a caller not allowed.
  EXPECT_NE(EchoScu(*server_, "STRANGER").exit_code, 0);
  ASSERT_EQ(server_->Stop(), 0);
  std::istringstream in(server_->Log());
  // Structured fields, when a line has them, follow "msg" as string or
  // integer members with lower_snake_case keys.
  const std::regex line_shape(
      R"re(^\{"ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"(DEBUG|INFO|WARN|ERROR)","msg":"([^"\\]|\\["\\nt]|\\u[0-9a-f]{4})*"(,"[a-z_]+":("([^"\\]|\\["\\nt]|\\u[0-9a-f]{4})*"|-?\d+))*\}$)re");
  std::string line;
  int lines = 0;
  bool saw_association = false, saw_rejection = false;
  while (std::getline(in, line)) {
    ++lines;
    EXPECT_TRUE(std::regex_match(line, line_shape)) << line;
    if (line.find("association MODALITY -> PIXELDEX from 127.0.0.1 ended") != std::string::npos) {
      saw_association = true;
    }
    if (line.find("\"level\":\"WARN\"") != std::string::npos &&
        line.find("STRANGER -> PIXELDEX from 127.0.0.1 rejected") != std::string::npos) {
      saw_rejection = true;
    }
  }
  EXPECT_GE(lines, 4);
  EXPECT_TRUE(saw_association) << server_->Log();
  EXPECT_TRUE(saw_rejection) << server_->Log();
}

// Issue 14: AE titles, peer, SOP Instance UID, status are fields of their own,
// not only words inside "msg".
TEST_F(JsonLogE2eTest, AssociationAndStoreLinesCarryTheirFactsAsFields) {
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  const std::string file = MakeInstance(t, "a.dcm");
  ASSERT_EQ(EchoScu(*server_, "ECHOSCU").exit_code, 0);
  ASSERT_EQ(StoreScu({file}).exit_code, 0);
  StoreScu({file});  // refused: storage.duplicates = reject (0111)
  EXPECT_NE(EchoScu(*server_, "STRANGER").exit_code, 0);
  ASSERT_EQ(server_->Stop(), 0);

  std::vector<nlohmann::json> lines;
  std::istringstream in(server_->Log());
  for (std::string line; std::getline(in, line);) {
    lines.push_back(nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false));
    ASSERT_FALSE(lines.back().is_discarded()) << line;
  }
  // The first line whose msg contains `words` and whose `key` is `value`.
  auto find = [&](const std::string& words, const std::string& key, const nlohmann::json& value) {
    for (const auto& line : lines) {
      if (line["msg"].get<std::string>().find(words) != std::string::npos && line.contains(key) &&
          line[key] == value) {
        return line;
      }
    }
    ADD_FAILURE() << "no line with \"" << words << "\" and " << key << "=" << value << " in\n"
                  << server_->Log();
    return nlohmann::json::object();
  };
  const auto echo = find(" ended (", "calling_aet", "ECHOSCU");
  EXPECT_EQ(echo["called_aet"], "PIXELDEX");
  EXPECT_EQ(echo["peer"], "127.0.0.1");
  EXPECT_EQ(echo["outcome"], "released");
  EXPECT_EQ(echo["instances_stored"], 0);

  const auto stored = find("C-STORE from", "status", "0000");
  EXPECT_EQ(stored["level"], "DEBUG");
  EXPECT_EQ(stored["calling_aet"], "MODALITY");
  EXPECT_EQ(stored["peer"], "127.0.0.1");
  EXPECT_EQ(stored["sop_instance_uid"], t.sop_instance_uid);
  EXPECT_EQ(stored["sop_class_uid"], t.sop_class_uid);

  const auto refused = find("C-STORE from", "status", "0111");
  EXPECT_EQ(refused["level"], "ERROR");
  EXPECT_EQ(refused["calling_aet"], "MODALITY");
  EXPECT_EQ(refused["sop_instance_uid"], t.sop_instance_uid);
  EXPECT_FALSE(refused["reason"].get<std::string>().empty());

  const auto store_association = find(" ended (", "instances_stored", 1);
  EXPECT_EQ(store_association["calling_aet"], "MODALITY");
  EXPECT_EQ(store_association["store_failures"], 0);
  EXPECT_GT(store_association["bytes"].get<int64_t>(), 0);

  const auto rejected = find("rejected", "calling_aet", "STRANGER");
  EXPECT_EQ(rejected["level"], "WARN");
  EXPECT_EQ(rejected["peer"], "127.0.0.1");
  EXPECT_EQ(rejected["outcome"], "rejected");
  EXPECT_EQ(rejected["reason"], "calling AE title not allowed");
}

TEST_F(JsonLogE2eTest, LogLevelFiltersLines) {
  ASSERT_EQ(EchoScu(*server_, "ECHOSCU").exit_code, 0);
  ASSERT_EQ(server_->Stop(), 0);
  EXPECT_NE(server_->Log().find("\"level\":\"DEBUG\""), std::string::npos);
  TempDir dir;
  ServerProcess::Options options = ArchiveIn(dir);
  options.extra_args = {"--log-level", "warning"};
  auto quiet = ServerProcess::Start(options);
  ASSERT_EQ(EchoScu(*quiet, "ECHOSCU").exit_code, 0);
  ASSERT_EQ(quiet->Stop(), 0);
  EXPECT_EQ(quiet->Log().find("INFO"), std::string::npos) << quiet->Log();
}

}  // namespace
}  // namespace pixeldex::testing
