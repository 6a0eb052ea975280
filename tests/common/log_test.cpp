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
std::string LoggedLine(LogFormat format, const std::string& message) {
  std::FILE* capture = std::tmpfile();
  const int saved = ::dup(STDERR_FILENO);
  ::dup2(::fileno(capture), STDERR_FILENO);
  ConfigureLog(LogLevel::kInfo, format);
  WriteLogLine(LogLevel::kWarning, message);
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

}  // namespace
}  // namespace pixeldex
