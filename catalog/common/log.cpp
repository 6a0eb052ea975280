#include "catalog/common/log.h"

#include "catalog/common/json_string.h"

#include "catalog/common/clock.h"

#include <unistd.h>

#include <atomic>
#include <string>

namespace pixeldex {
namespace {

std::atomic<int> g_min_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<LogFormat> g_format{LogFormat::kText};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarning: return "WARN";
    case LogLevel::kError: return "ERROR";
  }
  return "INFO";
}

// Text lines carry peer-chosen text (AE titles, UIDs, DCMTK's messages): a
// control character could end the line and forge the next one, or drive the
// terminal that shows it. C0 controls and DEL become \n, \r, \t or \xHH;
// C1 controls (U+0080..U+009F, UTF-8 C2 80..C2 9F) become \u00HH. Other
// UTF-8 passes unchanged.
void AppendEscapedText(std::string& out, std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {
      out += fmt::format("\\u{:04x}", next);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
}

}  // namespace

void ConfigureLog(LogLevel min_level, LogFormat format) {
  g_min_level = static_cast<int>(min_level);
  g_format = format;
}

bool ParseLogLevel(std::string_view text, LogLevel* level) {
  if (text == "debug") *level = LogLevel::kDebug;
  else if (text == "info") *level = LogLevel::kInfo;
  else if (text == "warning" || text == "warn") *level = LogLevel::kWarning;
  else if (text == "error") *level = LogLevel::kError;
  else return false;
  return true;
}

bool LogEnabled(LogLevel level) { return static_cast<int>(level) >= g_min_level.load(); }

void WriteLogLine(LogLevel level, std::string_view message, std::span<const LogField> fields) {
  std::string line;
  if (g_format.load() == LogFormat::kJson) {
    line = "{\"ts\":\"" + NowIso8601() + "\",\"level\":\"" + LevelName(level) + "\",\"msg\":";
    AppendJsonString(line, message);
    for (const LogField& field : fields) {
      line += ',';
      AppendJsonString(line, field.key);
      line += ':';
      if (field.is_number) {
        line += field.value;
      } else {
        AppendJsonString(line, field.value);
      }
    }
    line += "}\n";
  } else {
    line = fmt::format("{} {:<5} ", NowIso8601(), LevelName(level));
    AppendEscapedText(line, message);
    line += '\n';
  }
  // One write(2) per line: atomic for lines below PIPE_BUF on pipes, and never
  // interleaved mid-line with other threads' lines on regular files.
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

}  // namespace pixeldex
