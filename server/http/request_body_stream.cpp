#include "server/http/request_body_stream.h"

#include <utility>

namespace pixeldex::server {

Status RequestBodyStream::Read(std::string_view& bytes) {
  std::function<void()> pull;
  std::unique_lock lock(mutex_);
  buffers_->Give(std::exchange(reading_buffer_, BodyBuffer()));
  if (chunks_.empty() && !ended_ && !reading_) {
    reading_ = true;
    pull = pull_;
  }
  if (pull) {
    lock.unlock();
    pull();
    lock.lock();
    pull = nullptr;
  }
  arrived_.wait(lock, [this] { return !chunks_.empty() || ended_; });
  if (chunks_.empty()) {
    bytes = {};
    if (failure_ == BodyFailure::kNone) return Status::Ok();
    return Status::IoError(reason_);
  }
  reading_buffer_ = std::move(chunks_.front());
  chunks_.pop_front();
  queued_bytes_ -= reading_buffer_.capacity();
  bytes = reading_buffer_.bytes();
  if (!reading_ && !ended_ && queued_bytes_ < kBodyReadAheadBytes) {
    reading_ = true;
    pull = pull_;
  }
  lock.unlock();
  if (pull) pull();
  return Status::Ok();
}

BodyFailure RequestBodyStream::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

void RequestBodyStream::Abandon() {
  std::lock_guard lock(mutex_);
  abandoned_ = true;
  pull_ = nullptr;
  for (BodyBuffer& chunk : chunks_) buffers_->Give(std::move(chunk));
  chunks_.clear();
}

BodyBuffer RequestBodyStream::TakeBuffer() { return buffers_->Take(); }

bool RequestBodyStream::Push(BodyBuffer bytes) {
  std::lock_guard lock(mutex_);
  if (abandoned_) return false;
  if (bytes.size() > 0) {
    queued_bytes_ += bytes.capacity();
    chunks_.push_back(std::move(bytes));
    arrived_.notify_one();
  } else {
    buffers_->Give(std::move(bytes));
  }
  if (queued_bytes_ >= kBodyReadAheadBytes) reading_ = false;
  return reading_;
}

void RequestBodyStream::End(BodyFailure failure, std::string reason) {
  std::lock_guard lock(mutex_);
  if (ended_) return;
  ended_ = true;
  reading_ = false;
  failure_ = failure;
  reason_ = std::move(reason);
  arrived_.notify_one();
}

bool RequestBodyStream::complete() const {
  std::lock_guard lock(mutex_);
  return ended_ && failure_ == BodyFailure::kNone;
}

bool RequestBodyStream::abandoned() const {
  std::lock_guard lock(mutex_);
  return abandoned_;
}

}  // namespace pixeldex::server
