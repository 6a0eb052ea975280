#pragma once
// The process-wide log: one line per event on stderr, written atomically so
// lines from concurrent associations never interleave. Safe from any thread.
// Format: "2026-11-25T10:00:00.123Z INFO  message" or, with LogFormat::kJson,
// one JSON object per line {"ts":...,"level":...,"msg":...,<fields>}. Either
// way a message stays on its line: control characters in it are escaped
// (text: \n, \xHH, \u00HH; JSON: the JSON escapes), so peer-chosen text in
// a message cannot forge lines.
//
// Structured fields: a line may carry named facts (LogField: an AE title, a
// peer address, a UID, a status) for machines reading JSON logs, e.g.
//   LogInfo({{"calling_aet", aet}, {"peer", peer}}, "association {} from {} ended", aet, peer);
// In JSON each field is a member of its own beside "msg" (integers as
// numbers); a text line is the message alone, which names the same facts in
// words. Field keys are lower_snake_case and never ts, level or msg.

#include <fmt/format.h>

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace pixeldex {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };
enum class LogFormat { kText, kJson };

// Sets the minimum level written and the line format; call before threads start.
void ConfigureLog(LogLevel min_level, LogFormat format);
// Parses "debug", "info", "warning"/"warn", "error"; false if unknown.
bool ParseLogLevel(std::string_view text, LogLevel* level);
bool LogEnabled(LogLevel level);

// One named fact of a log line; see above.
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v ? v : "") {}
  template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  LogField(std::string_view k, T number) : key(k), value(std::to_string(number)), is_number(true) {}

  std::string_view key;
  std::string value;
  bool is_number = false;
};
using LogFields = std::initializer_list<LogField>;

void WriteLogLine(LogLevel level, std::string_view message, std::span<const LogField> fields = {});

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (!LogEnabled(level)) return;
  WriteLogLine(level, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void Log(LogLevel level, LogFields fields, fmt::format_string<Args...> format, Args&&... args) {
  if (!LogEnabled(level)) return;
  WriteLogLine(level, fmt::format(format, std::forward<Args>(args)...),
               std::span<const LogField>(fields.begin(), fields.size()));
}
template <typename... Args>
void LogInfo(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kInfo, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogInfo(LogFields fields, fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kInfo, fields, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogWarning(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kWarning, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogWarning(LogFields fields, fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kWarning, fields, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogError(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kError, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogError(LogFields fields, fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kError, fields, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogDebug(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kDebug, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogDebug(LogFields fields, fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kDebug, fields, format, std::forward<Args>(args)...);
}

}  // namespace pixeldex
