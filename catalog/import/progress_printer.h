#pragma once
// ProgressPrinter: redraws one status line ("\r...") on a terminal a few
// times per second from its own thread, until stopped; then erases it so the
// summary starts on a clean line. Create one only when the stream is a
// terminal: piped output gets no progress noise. The line is the import's
// (FormatProgressLine of a snapshot) or any other command's (`export`).

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "catalog/import/import_report.h"

namespace pixeldex::import {

class ProgressPrinter {
 public:
  using SnapshotFn = std::function<ProgressSnapshot()>;
  using LineFn = std::function<std::string()>;

  // Starts drawing `line()` on `out` every `interval`; `line` is called
  // from the printer's thread.
  ProgressPrinter(std::FILE* out, LineFn line, std::chrono::milliseconds interval);
  // The import's line: FormatProgressLine(snapshot()).
  ProgressPrinter(std::FILE* out, SnapshotFn snapshot, std::chrono::milliseconds interval);
  // Stops (see Stop()).
  ~ProgressPrinter();
  ProgressPrinter(const ProgressPrinter&) = delete;
  ProgressPrinter& operator=(const ProgressPrinter&) = delete;

  // Joins the drawing thread and erases the line; idempotent.
  void Stop();

 private:
  void Run();

  std::FILE* out_;
  LineFn line_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pixeldex::import
