#pragma once
// WriteCoalescer: gathers the small writes of a burst of DIMSE messages (a
// C-FIND's pending responses: DCMTK writes each PDU header and each PDV on
// its own) and hands them to the connection in few large writes. On loopback
// and on a LAN every write with TCP_NODELAY is a segment that wakes the peer;
// for the 168 responses of a one-month study query that was 672 writes and a
// third of the server's time (bench/README.md "C-FIND"). The bytes on the
// wire, and so the PDUs (PS3.8 9.3.5), are the same; only their timing
// changes.
//
// Pass-through until Hold(); from then on bytes are kept and written out
//   - as soon as kFlushBytes have gathered,
//   - when the oldest kept byte is older than kMaxHold: checked at each write
//     and at each FlushIfStale() (which the C-FIND bridge calls while SQLite
//     works, so a slow match never holds the ones before it back for long),
//   - at Release(), which also ends holding: the final response of a C-FIND
//     is written after Release() and goes out at once, as before.
// A failed write is remembered: every later Write() fails too, so DCMTK sees
// the broken connection at its next write. Not thread-safe: one per
// connection, used by the association's thread.

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace pixeldex::server {

class WriteCoalescer {
 public:
  using Clock = std::chrono::steady_clock;
  // Writes up to `size` bytes to the connection; returns the count or -1.
  using WriteFn = std::function<ssize_t(const char* data, size_t size)>;

  static constexpr size_t kFlushBytes = 16 * 1024;
  static constexpr Clock::duration kMaxHold = std::chrono::milliseconds(2);

  // `now` is the clock (tests pass a fake one).
  explicit WriteCoalescer(WriteFn write, std::function<Clock::time_point()> now = Clock::now);

  // Keeps later writes back until Release().
  void Hold();
  // Writes what is kept and passes later writes straight through.
  void Release();
  // Writes what is kept if the oldest byte waited longer than kMaxHold.
  void FlushIfStale();
  // The connection's write: returns `size` (kept or written) or -1.
  ssize_t Write(const char* data, size_t size);

  bool holding() const { return holding_; }
  size_t kept() const { return kept_.size(); }

 private:
  bool Flush();

  WriteFn write_;
  std::function<Clock::time_point()> now_;
  bool holding_ = false;
  bool failed_ = false;
  std::string kept_;
  Clock::time_point oldest_{};
};

}  // namespace pixeldex::server
