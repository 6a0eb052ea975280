// The progress line and the summary, and the printer that draws the line.

#include "catalog/import/import_report.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <future>

#include "catalog/import/progress_printer.h"

namespace pixeldex::import {
namespace {

ImportCounts SomeCounts() {
  ImportTally tally(2);
  for (int i = 0; i < 7; ++i) tally.Record(FileResult::kImported, 1'000'000);
  tally.Record(FileResult::kNotDicom, 500'000);
  tally.RecordFailure("/a", "corruption: cut short", 250'000);
  tally.RecordFailure("/b", "io error: unreadable", 250'000);
  tally.RecordFailure("/c", "invalid argument: no UID", 0);
  return tally.Snapshot();
}

TEST(ImportReportTest, ProgressLineShowsRatesEtaAndFailures) {
  ProgressSnapshot s;
  s.counts = SomeCounts();  // 11 files, 8 MB
  s.elapsed_seconds = 2;
  s.total_files = 100;
  s.total_bytes = 80'000'000;
  // 72 MB left at 4 MB/s: 18 s.
  EXPECT_EQ(FormatProgressLine(s), "11/100 files  6 files/s  4.0 MB/s  ETA 0:18  3 failed");
  s.total_files = s.total_bytes = -1;
  EXPECT_EQ(FormatProgressLine(s), "11 files  6 files/s  4.0 MB/s  ETA (counting)  3 failed");
}

TEST(ImportReportTest, SummaryCountsEveryResultAndListsTheFirstFailures) {
  ImportTally tally(2);
  tally.Record(FileResult::kImported, 10);
  tally.Record(FileResult::kUnchanged, 10);
  tally.RecordFailure("/a", "corruption: cut short", 1);
  tally.RecordFailure("/b", "io error: unreadable", 1);
  tally.RecordFailure("/c", "invalid argument: no UID", 1);
  ImportSummary s;
  s.counts = tally.Snapshot();
  s.failures = tally.Failures();
  s.elapsed_seconds = 1;
  s.walk.symlinks_skipped = 2;
  const std::string text = FormatSummary(s);
  EXPECT_NE(text.find("  imported                   1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  skipped unchanged          1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  failed                     3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("2 symbolic link(s)"), std::string::npos) << text;
  EXPECT_NE(text.find("failures (first 2 of 3):\n  /a: corruption: cut short\n"
                      "  /b: io error: unreadable\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("/c"), std::string::npos) << text;
}

TEST(ProgressPrinterTest, RedrawsOneLineAndErasesItWhenStopped) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  std::promise<void> drawn;
  int calls = 0;
  {
    ProgressPrinter printer(
        out,
        [&] {
          if (++calls == 2) drawn.set_value();
          ProgressSnapshot s;
          s.counts.files_done = 5;
          return s;
        },
        std::chrono::milliseconds(1));
    drawn.get_future().wait();  // two redraws happened
    printer.Stop();
  }
  std::rewind(out);
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), out));
  std::fclose(out);
  const std::string line = "\r5 files  0 files/s  0.0 MB/s  ETA (counting)\x1b[K";
  ASSERT_GE(text.size(), 2 * line.size());
  EXPECT_EQ(text.substr(0, 2 * line.size()), line + line);
  EXPECT_EQ(text.substr(text.size() - 4), "\r\x1b[K");
  EXPECT_EQ(text.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace pixeldex::import
