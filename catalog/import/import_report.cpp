#include "catalog/import/import_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <span>

namespace pixeldex::import {
namespace {

constexpr double kMegabyte = 1e6;

std::string Duration(double seconds) {
  const auto total = static_cast<int64_t>(std::llround(seconds));
  if (total >= 3600) {
    return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  }
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

double Rate(double amount, double seconds) { return seconds > 0 ? amount / seconds : 0; }

}  // namespace

std::string FormatProgressLine(const ProgressSnapshot& s) {
  const ImportCounts& c = s.counts;
  const double byte_rate = Rate(static_cast<double>(c.bytes_done), s.elapsed_seconds);
  std::string line = s.total_files >= 0 ? fmt::format("{}/{} files", c.files_done, s.total_files)
                                        : fmt::format("{} files", c.files_done);
  line += fmt::format("  {:.0f} files/s  {:.1f} MB/s",
                      Rate(static_cast<double>(c.files_done), s.elapsed_seconds),
                      byte_rate / kMegabyte);
  if (s.total_bytes < 0) {
    line += "  ETA (counting)";
  } else if (byte_rate > 0) {
    const double left = static_cast<double>(std::max<int64_t>(0, s.total_bytes - c.bytes_done));
    line += "  ETA " + Duration(left / byte_rate);
  }
  if (const int64_t failed = c.Of(FileResult::kFailed); failed > 0) {
    line += fmt::format("  {} failed", failed);
  }
  return line;
}

namespace {

struct SummaryRow {
  const char* label;
  FileResult result;
};

// The summary with `rows` as the words for the results.
std::string FormatSummaryWith(const ImportSummary& s, std::string_view command,
                              std::span<const SummaryRow> rows) {
  const ImportCounts& c = s.counts;
  std::string out = fmt::format(
      "{}{}: {} files ({:.1f} MB) in {:.1f} s: {:.0f} files/s, {:.1f} MB/s\n", command,
      s.cancelled ? " (interrupted)" : "", c.files_done, c.bytes_done / kMegabyte,
      s.elapsed_seconds, Rate(static_cast<double>(c.files_done), s.elapsed_seconds),
      Rate(static_cast<double>(c.bytes_done), s.elapsed_seconds) / kMegabyte);
  for (const auto& [label, result] : rows) {
    out += fmt::format("  {:<18} {:>9}\n", label, c.Of(result));
  }
  const WalkStats& w = s.walk;
  std::vector<std::string> not_visited;
  if (w.symlinks_skipped > 0) {
    not_visited.push_back(
        fmt::format("{} symbolic link(s) (see --follow-symlinks)", w.symlinks_skipped));
  }
  if (w.special_skipped > 0) {
    not_visited.push_back(fmt::format("{} special file(s)", w.special_skipped));
  }
  if (w.revisits_avoided > 0) {
    not_visited.push_back(fmt::format("{} reached again by another path", w.revisits_avoided));
  }
  if (!not_visited.empty()) out += fmt::format("  not visited: {}\n", fmt::join(not_visited, ", "));
  const int64_t failed = c.Of(FileResult::kFailed);
  if (failed > 0) {
    out += static_cast<int64_t>(s.failures.size()) < failed
               ? fmt::format("failures (first {} of {}):\n", s.failures.size(), failed)
               : fmt::format("failures:\n");
    for (const ImportFailure& f : s.failures) out += fmt::format("  {}: {}\n", f.path, f.reason);
  }
  return out;
}

}  // namespace

std::string FormatSummary(const ImportSummary& s) {
  static constexpr SummaryRow kRows[] = {
      {"imported", FileResult::kImported},
      {"replaced", FileResult::kReplaced},
      {"rebuilt", FileResult::kRebuilt},
      {"skipped unchanged", FileResult::kUnchanged},
      {"duplicates kept", FileResult::kDuplicateKept},
      {"corrupt", FileResult::kCorrupt},
      {"not DICOM", FileResult::kNotDicom},
      {"not an instance", FileResult::kNotInstance},
      {"failed", FileResult::kFailed},
  };
  return FormatSummaryWith(s, "pixeldex import", kRows);
}

std::string FormatReindexSummary(const ImportSummary& s) {
  static constexpr SummaryRow kRows[] = {
      {"rebuilt", FileResult::kRebuilt},
      {"new", FileResult::kImported},
      {"moved", FileResult::kReplaced},
      {"unchanged", FileResult::kUnchanged},
      {"corrupt", FileResult::kCorrupt},
      {"left uncataloged", FileResult::kDuplicateKept},
      {"not DICOM", FileResult::kNotDicom},
      {"not an instance", FileResult::kNotInstance},
      {"failed", FileResult::kFailed},
  };
  return FormatSummaryWith(s, "pixeldex reindex", kRows);
}

}  // namespace pixeldex::import
