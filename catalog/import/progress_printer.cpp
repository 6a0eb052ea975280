#include "catalog/import/progress_printer.h"

namespace pixeldex::import {
namespace {

// Carriage return, the line, then "erase to end of line" (ECMA-48 EL), so a
// shorter line leaves no tail of the previous one.
void Draw(std::FILE* out, const std::string& line) {
  std::fprintf(out, "\r%s\x1b[K", line.c_str());
  std::fflush(out);
}

}  // namespace

ProgressPrinter::ProgressPrinter(std::FILE* out, LineFn line, std::chrono::milliseconds interval)
    : out_(out), line_(std::move(line)), interval_(interval) {
  thread_ = std::thread([this] { Run(); });
}

ProgressPrinter::ProgressPrinter(std::FILE* out, SnapshotFn snapshot,
                                 std::chrono::milliseconds interval)
    : ProgressPrinter(
          out, [snapshot = std::move(snapshot)] { return FormatProgressLine(snapshot()); },
          interval) {}

ProgressPrinter::~ProgressPrinter() { Stop(); }

void ProgressPrinter::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  Draw(out_, "");
}

void ProgressPrinter::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // A timed wait is the redraw timer; Stop() cuts it short.
    if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) break;
    lock.unlock();
    Draw(out_, line_());
    lock.lock();
  }
}

}  // namespace pixeldex::import
