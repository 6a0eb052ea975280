#include "server/http/body_buffer_pool.h"

namespace pixeldex::server {

BodyBuffer BodyBufferPool::Take() {
  {
    std::lock_guard lock(mutex_);
    if (!kept_.empty()) {
      BodyBuffer buffer = std::move(kept_.back());
      kept_.pop_back();
      buffer.set_size(0);
      return buffer;
    }
  }
  return BodyBuffer(capacity_);
}

void BodyBufferPool::Give(BodyBuffer buffer) {
  if (buffer.capacity() != capacity_) return;
  std::lock_guard lock(mutex_);
  if (kept_.size() < max_kept_) kept_.push_back(std::move(buffer));
}

size_t BodyBufferPool::kept() const {
  std::lock_guard lock(mutex_);
  return kept_.size();
}

}  // namespace pixeldex::server
