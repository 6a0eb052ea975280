#pragma once
// RequestBodyStream: a request body handed, as it arrives, from the HTTP
// server's I/O thread (http_server.h, BodyStreaming: STOW-RS bodies) to the
// handler reading it. The handler runs as soon as the request's head is
// read (so authentication and the other checks of the head come before any
// of the body is read); its first Read asks the server for the body
// (sending "100 Continue" then when the client asked for it) and every
// Read gives the next bytes received, in order. The server reads ahead at
// most kBodyReadAheadBytes: beyond that it stops reading the socket until
// the handler takes some (back-pressure: a slow store slows the sender, and
// memory stays bounded). Read ends with an empty chunk once the whole body
// arrived, or with the error that ended the body early, failure() saying
// which (RFC 9110: 408 for the timeout, 413 for a body over the limit, 400
// for bad chunked coding; a closed connection cannot be answered).
// Thread-safe: one producer (the server) and one consumer (the handler).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/common/result.h"

namespace pixeldex::server {

inline constexpr size_t kBodyReadAheadBytes = 4 * 1024 * 1024;

enum class BodyFailure { kNone, kTimedOut, kTooLarge, kMalformed, kClosed };

class RequestBodyStream {
 public:
  // `pull` (called on the consumer's thread) asks the server to read on; it
  // must not block (it posts to the server's I/O thread).
  explicit RequestBodyStream(std::function<void()> pull) : pull_(std::move(pull)) {}
  RequestBodyStream(const RequestBodyStream&) = delete;
  RequestBodyStream& operator=(const RequestBodyStream&) = delete;

  // Consumer: replaces `chunk` with the next bytes (its old buffer is
  // reused); empty once the body is over. Blocks until there are some. An
  // error when the body ended early (failure()).
  Status Read(std::string& chunk);
  BodyFailure failure() const;
  // The handler is done with the body: nothing more is read for it.
  void Abandon();

  // Producer: a buffer to read into (a recycled one when there is one).
  std::string TakeBuffer();
  // The next bytes; false when the server should stop reading until pulled
  // again (read-ahead full, or the handler gone).
  bool Push(std::string bytes);
  // The body is over: whole (kNone) or not.
  void End(BodyFailure failure, std::string reason = {});
  // The whole body arrived (the connection may carry another request).
  bool complete() const;
  bool abandoned() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::function<void()> pull_;
  std::deque<std::string> chunks_;
  std::vector<std::string> spare_;  // consumed buffers, for TakeBuffer
  size_t queued_bytes_ = 0;
  bool reading_ = false;  // the server reads on without being pulled
  bool ended_ = false;
  bool abandoned_ = false;
  BodyFailure failure_ = BodyFailure::kNone;
  std::string reason_;
};

}  // namespace pixeldex::server
