#pragma once
// BodyBuffer: bytes of a streamed request body, read from the socket
// straight into it (RequestBodyStream). BodyBufferPool: the buffers that
// outlive a request, shared by every connection of a server, so a body's
// reads land in memory already mapped and touched. A buffer freed instead
// (a fresh one per request) costs a page fault per 4 KiB the next time,
// ~50 per 512x512 STOW-RS instance, on the I/O thread. Thread-safe.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace pixeldex::server {

// Its memory is not zero-filled when allocated (a fresh std::string of
// 1 MiB would be, for every buffer).
class BodyBuffer {
 public:
  BodyBuffer() = default;
  explicit BodyBuffer(size_t capacity)
      : data_(std::make_unique_for_overwrite<char[]>(capacity)), capacity_(capacity) {}

  char* data() { return data_.get(); }
  size_t capacity() const { return capacity_; }
  size_t size() const { return size_; }
  // `size` <= capacity().
  void set_size(size_t size) { size_ = size; }
  std::string_view bytes() const { return {data_.get(), size_}; }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

class BodyBufferPool {
 public:
  // Buffers of `capacity` bytes; at most `max_kept` wait in the pool.
  BodyBufferPool(size_t capacity, size_t max_kept) : capacity_(capacity), max_kept_(max_kept) {}

  // An empty buffer of capacity(): a kept one when there is one.
  BodyBuffer Take();
  // Keeps `buffer` for a later Take, unless the pool is full or the buffer
  // is not one of its capacity (e.g. moved from).
  void Give(BodyBuffer buffer);

  size_t capacity() const { return capacity_; }
  size_t kept() const;

 private:
  const size_t capacity_;
  const size_t max_kept_;
  mutable std::mutex mutex_;
  std::vector<BodyBuffer> kept_;
};

}  // namespace pixeldex::server
