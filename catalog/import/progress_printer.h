#pragma once
// ProgressPrinter: redraws one status line ("\r...") on a terminal a few
// times per second from its own thread, until stopped; then erases it so the
// summary starts on a clean line. Create one only when the stream is a
// terminal: piped output gets no progress noise.

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <thread>

#include "catalog/import/import_report.h"

namespace pixeldex::import {

class ProgressPrinter {
 public:
  using SnapshotFn = std::function<ProgressSnapshot()>;

  // Starts drawing `snapshot()` on `out` every `interval`.
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
  SnapshotFn snapshot_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pixeldex::import
