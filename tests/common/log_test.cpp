// The log's line formats keep a message on its line whatever it holds: the
// text format escapes control characters (issue 13: AE titles and UIDs with
// newlines forged lines), JSON escapes as JSON does.

#include "catalog/common/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace pixeldex {
namespace {

// What WriteLogLine writes to stderr for `message` in `format`.
std::string LoggedLine(LogFormat format, const std::string& message, LogFields fields = {}) {
  std::FILE* capture = std::tmpfile();
  const int saved = ::dup(STDERR_FILENO);
  ::dup2(::fileno(capture), STDERR_FILENO);
  ConfigureLog(LogLevel::kInfo, format);
  WriteLogLine(LogLevel::kWarning, message,
               std::span<const LogField>(fields.begin(), fields.size()));
  ConfigureLog(LogLevel::kInfo, LogFormat::kText);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::string line(4096, '\0');
  std::rewind(capture);
  line.resize(std::fread(line.data(), 1, line.size(), capture));
  std::fclose(capture);
  return line;
}

TEST(LogTest, TextLinesEscapeControlCharacters) {
  const std::string line =
      LoggedLine(LogFormat::kText, "sop=1.2\n2001-01-01T00:00:00.000Z INFO  forged\r\t\x1b[2J\x7f");
  EXPECT_NE(line.find(" WARN  sop=1.2\\n2001-01-01T00:00:00.000Z INFO  forged\\r\\t\\x1b[2J\\x7f\n"),
            std::string::npos)
      << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
}

TEST(LogTest, TextLinesEscapeC1ControlsButKeepOtherUtf8) {
  // U+009B (CSI) in UTF-8, then U+00C4 and U+00E9.
  const std::string line = LoggedLine(LogFormat::kText, "a\xc2\x9b" "b \xc3\x84rzt caf\xc3\xa9");
  EXPECT_NE(line.find("a\\u009bb \xc3\x84rzt caf\xc3\xa9\n"), std::string::npos) << line;
}

TEST(LogTest, JsonLinesEscapeNewlines) {
  const std::string line = LoggedLine(LogFormat::kJson, "a\nb");
  EXPECT_NE(line.find(R"("msg":"a\nb"})"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
}

// Structured fields (issue 14): their own JSON members, strings escaped,
// integers as numbers; a text line is the message alone.
TEST(LogTest, JsonLinesCarryFieldsAsMembers) {
  const std::string line = LoggedLine(LogFormat::kJson, "C-STORE from MOD\"X sop=1.2: status A700",
                                      {{"calling_aet", "MOD\"X"},
                                       {"sop_instance_uid", std::string("1.2")},
                                       {"status", "A700"},
                                       {"bytes", int64_t{1234}},
                                       {"peer", "a\nb"}});
  EXPECT_NE(line.find(R"("msg":"C-STORE from MOD\"X sop=1.2: status A700","calling_aet":"MOD\"X",)"
                      R"("sop_instance_uid":"1.2","status":"A700","bytes":1234,"peer":"a\nb"}
)"),
            std::string::npos)
      << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
}

TEST(LogTest, TextLinesShowTheMessageAloneWithFields) {
  const std::string line = LoggedLine(LogFormat::kText, "association A -> B ended",
                                      {{"calling_aet", "A"}, {"instances", 3}});
  EXPECT_NE(line.find(" WARN  association A -> B ended\n"), std::string::npos) << line;
  EXPECT_EQ(line.find("calling_aet"), std::string::npos) << line;
}

}  // namespace
}  // namespace pixeldex
