#include "server/listener/write_coalescer.h"

#include <cerrno>

namespace pixeldex::server {

WriteCoalescer::WriteCoalescer(WriteFn write, std::function<Clock::time_point()> now)
    : write_(std::move(write)), now_(std::move(now)) {}

void WriteCoalescer::Hold() { holding_ = true; }

void WriteCoalescer::Release() {
  holding_ = false;
  Flush();
}

void WriteCoalescer::FlushIfStale() {
  if (!kept_.empty() && now_() - oldest_ > kMaxHold) Flush();
}

ssize_t WriteCoalescer::Write(const char* data, size_t size) {
  if (failed_) {
    errno = EPIPE;
    return -1;
  }
  if (!holding_) return write_(data, size);
  if (kept_.empty()) oldest_ = now_();
  kept_.append(data, size);
  if (kept_.size() >= kFlushBytes || now_() - oldest_ > kMaxHold) {
    if (!Flush()) return -1;
  }
  return static_cast<ssize_t>(size);
}

bool WriteCoalescer::Flush() {
  size_t done = 0;
  while (!failed_ && done < kept_.size()) {
    const ssize_t n = write_(kept_.data() + done, kept_.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (!(n < 0 && errno == EINTR)) {
      failed_ = true;  // closed, timed out (SO_SNDTIMEO) or broken
    }
  }
  kept_.clear();
  return !failed_;
}

}  // namespace pixeldex::server
