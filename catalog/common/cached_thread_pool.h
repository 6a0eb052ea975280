#pragma once
// CachedThreadPool: runs every submitted task at once, on an idle worker when
// there is one and on a new worker otherwise, so tasks never queue behind each
// other (one task blocked in fsync never delays another) while threads are
// reused rather than created per task. A worker idle for `idle_timeout` exits,
// so the pool shrinks back after a burst. Thread-safe; the destructor waits for
// running and queued tasks to finish and joins every worker, so no thread of
// the pool outlives it (a detached worker could still be running its
// thread-exit destructors, e.g. OpenSSL's, while the process exits).

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace pixeldex {

class CachedThreadPool {
 public:
  explicit CachedThreadPool(std::chrono::milliseconds idle_timeout = std::chrono::seconds(30));
  ~CachedThreadPool();
  CachedThreadPool(const CachedThreadPool&) = delete;
  CachedThreadPool& operator=(const CachedThreadPool&) = delete;

  // Starts `task`; its result (or exception) arrives through the future,
  // whose destructor does not wait for it (the packaged task is each
  // worker's catch boundary: a task that throws never ends its worker).
  // Throws std::system_error when no thread can be started.
  template <typename F>
  std::future<std::invoke_result_t<F>> Submit(F&& task) {
    auto packaged =
        std::make_shared<std::packaged_task<std::invoke_result_t<F>()>>(std::forward<F>(task));
    std::future<std::invoke_result_t<F>> result = packaged->get_future();
    Post([packaged] { (*packaged)(); });
    return result;
  }

  // Workers alive now, busy or idle, and those of them idle (for tests).
  int WorkerCount() const;
  int IdleCount() const;

 private:
  void Post(std::function<void()> task);
  void WorkerLoop();
  // Joins the workers that have returned from WorkerLoop since the last call.
  void JoinExited(std::unique_lock<std::mutex>& lock);

  const std::chrono::milliseconds idle_timeout_;
  mutable std::mutex mutex_;
  std::condition_variable work_;     // a task was queued, or the pool stops
  std::condition_variable retired_;  // a worker exited
  std::deque<std::function<void()>> queue_;
  std::unordered_map<std::thread::id, std::thread> running_;  // started, not yet retired
  std::vector<std::thread> exited_;  // retired: joined by the next Post or the destructor
  int workers_ = 0;
  int idle_ = 0;
  bool stopping_ = false;
};

}  // namespace pixeldex
