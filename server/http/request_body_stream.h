#pragma once
// RequestBodyStream: a request body handed, as it arrives, from the HTTP
// server's I/O thread (http_server.h, BodyStreaming: STOW-RS bodies) to the
// handler reading it. The handler runs as soon as the request's head is
// read (so authentication and the other checks of the head come before any
// of the body is read); its first Read asks the server for the body
// (sending "100 Continue" then when the client asked for it) and every
// Read gives the next bytes received, in order. The server reads the socket
// straight into BodyBuffers the handler then reads from (no copy between
// them; consumed buffers go back to the server's BodyBufferPool, for this
// body's next reads and other requests'). It reads ahead at most
// kBodyReadAheadBytes of buffers: beyond that it stops reading the socket
// until the handler takes some (back-pressure: a slow store slows the
// sender, and memory stays bounded, however small the reads). Read ends with an empty chunk once the whole body
// arrived, or with the error that ended the body early, failure() saying
// which (RFC 9110: 408 for the timeout, 413 for a body over the limit, 400
// for bad chunked coding; a closed connection cannot be answered).
// Thread-safe: one producer (the server) and one consumer (the handler).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "catalog/common/result.h"
#include "server/http/body_buffer_pool.h"

namespace pixeldex::server {

inline constexpr size_t kBodyReadAheadBytes = 4 * 1024 * 1024;
// The capacity of each BodyBuffer: bytes read from the socket at a time.
inline constexpr size_t kBodyReadBytes = 1024 * 1024;
// The buffers one body holds at most: its read-ahead, the one being read
// into and the handler's; what a server's BodyBufferPool keeps.
inline constexpr size_t kBodyBuffersHeld = kBodyReadAheadBytes / kBodyReadBytes + 2;

enum class BodyFailure { kNone, kTimedOut, kTooLarge, kMalformed, kClosed };

class RequestBodyStream {
 public:
  // `pull` (called on the consumer's thread) asks the server to read on; it
  // must not block (it posts to the server's I/O thread). `buffers`: where
  // the buffers read into come from and go back to.
  RequestBodyStream(std::function<void()> pull, std::shared_ptr<BodyBufferPool> buffers)
      : pull_(std::move(pull)), buffers_(std::move(buffers)) {}
  RequestBodyStream(const RequestBodyStream&) = delete;
  RequestBodyStream& operator=(const RequestBodyStream&) = delete;

  // Consumer: sets `bytes` to the next bytes, valid until the next Read
  // (their buffer is then reused); empty once the body is over. Blocks
  // until there are some. An error when the body ended early (failure()).
  Status Read(std::string_view& bytes);
  BodyFailure failure() const;
  // The handler is done with the body: nothing more is read for it.
  void Abandon();

  // Producer: an empty buffer to read into (from the pool).
  BodyBuffer TakeBuffer();
  // The next bytes (an empty buffer goes back to the pool); false when the server
  // should stop reading until pulled again (read-ahead full, or the handler
  // gone).
  bool Push(BodyBuffer bytes);
  // The body is over: whole (kNone) or not.
  void End(BodyFailure failure, std::string reason = {});
  // The whole body arrived (the connection may carry another request).
  bool complete() const;
  bool abandoned() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::function<void()> pull_;
  std::deque<BodyBuffer> chunks_;
  std::shared_ptr<BodyBufferPool> buffers_;
  BodyBuffer reading_buffer_;  // the consumer's, until its next Read
  size_t queued_bytes_ = 0;  // the capacity of chunks_
  bool reading_ = false;  // the server reads on without being pulled
  bool ended_ = false;
  bool abandoned_ = false;
  BodyFailure failure_ = BodyFailure::kNone;
  std::string reason_;
};

}  // namespace pixeldex::server
