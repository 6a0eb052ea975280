#pragma once
// The process-wide log: one line per event on stderr, written atomically so
// lines from concurrent associations never interleave. Safe from any thread.
// Format: "2026-11-25T10:00:00.123Z INFO  message" or, with LogFormat::kJson,
// one JSON object per line {"ts":...,"level":...,"msg":...}. Either way a
// message stays on its line: control characters in it are escaped (text:
// \n, \xHH, \u00HH; JSON: the JSON escapes), so peer-chosen text in a
// message cannot forge lines.

#include <fmt/format.h>

#include <string_view>

namespace pixeldex {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };
enum class LogFormat { kText, kJson };

// Sets the minimum level written and the line format; call before threads start.
void ConfigureLog(LogLevel min_level, LogFormat format);
// Parses "debug", "info", "warning"/"warn", "error"; false if unknown.
bool ParseLogLevel(std::string_view text, LogLevel* level);
bool LogEnabled(LogLevel level);
void WriteLogLine(LogLevel level, std::string_view message);

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (!LogEnabled(level)) return;
  WriteLogLine(level, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void LogInfo(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kInfo, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogWarning(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kWarning, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogError(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kError, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogDebug(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kDebug, format, std::forward<Args>(args)...);
}

}  // namespace pixeldex
