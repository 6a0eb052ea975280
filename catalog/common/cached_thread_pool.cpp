#include "catalog/common/cached_thread_pool.h"

#include <thread>

namespace pixeldex {

CachedThreadPool::CachedThreadPool(std::chrono::milliseconds idle_timeout)
    : idle_timeout_(idle_timeout) {}

CachedThreadPool::~CachedThreadPool() {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  work_.notify_all();
  retired_.wait(lock, [this] { return workers_ == 0; });
  JoinExited(lock);
}

void CachedThreadPool::JoinExited(std::unique_lock<std::mutex>& lock) {
  std::vector<std::thread> exited = std::move(exited_);
  exited_.clear();
  lock.unlock();  // an exiting worker may still need the mutex to leave
  for (std::thread& worker : exited) worker.join();
  lock.lock();
}

int CachedThreadPool::WorkerCount() const {
  std::lock_guard lock(mutex_);
  return workers_;
}

int CachedThreadPool::IdleCount() const {
  std::lock_guard lock(mutex_);
  return idle_;
}

void CachedThreadPool::Post(std::function<void()> task) {
  std::unique_lock lock(mutex_);
  if (!exited_.empty()) JoinExited(lock);
  queue_.push_back(std::move(task));
  // Every queued task needs a worker of its own: wake an idle one if there
  // are more idle workers than tasks already waiting for them, else start one.
  if (idle_ >= static_cast<int>(queue_.size())) {
    // Notified after the unlock: woken under the lock, the worker would
    // find the mutex still held and sleep again until it is released (two
    // more futex calls and a context switch per task).
    lock.unlock();
    work_.notify_one();
    return;
  }
  ++workers_;
  try {
    // Started under the lock: the worker cannot retire (and look itself up
    // in running_) before it is there.
    std::thread worker([this] { WorkerLoop(); });
    running_.emplace(worker.get_id(), std::move(worker));
  } catch (...) {  // no thread to be had: the task is not taken
    --workers_;
    queue_.pop_back();
    throw;
  }
}

void CachedThreadPool::WorkerLoop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!queue_.empty()) {
      std::function<void()> task = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      task();  // a packaged_task: exceptions land in its future
      lock.lock();
      continue;
    }
    if (stopping_) break;
    ++idle_;
    const bool woken = work_.wait_for(lock, idle_timeout_,
                                      [this] { return !queue_.empty() || stopping_; });
    --idle_;
    if (!woken) break;  // idle too long
  }
  --workers_;
  auto self = running_.find(std::this_thread::get_id());
  exited_.push_back(std::move(self->second));
  running_.erase(self);
  // Notified under the lock: the destructor cannot return (and free the
  // condition variable) before this worker has let go of the mutex.
  retired_.notify_all();
}

}  // namespace pixeldex
