#include "catalog/common/periodic_task.h"

#include <algorithm>
#include <exception>

#include "catalog/common/log.h"

namespace pixeldex {

PeriodicTask::PeriodicTask(std::string name, std::chrono::steady_clock::duration interval,
                           std::function<void()> task)
    : name_(std::move(name)),
      interval_(interval),
      task_(std::move(task)),
      thread_([this] { Loop(); }) {}

PeriodicTask::~PeriodicTask() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_requested_.notify_all();
  thread_.join();
}

void PeriodicTask::Loop() {
  auto next = std::chrono::steady_clock::now() + interval_;
  std::unique_lock lock(mutex_);
  while (!stop_requested_.wait_until(lock, next, [this] { return stopping_; })) {
    lock.unlock();
    try {
      task_();
    } catch (const std::exception& e) {
      LogError({{"task", name_}}, "{} failed: {}", name_, e.what());
    } catch (...) {
      LogError({{"task", name_}}, "{} failed: an unknown exception", name_);
    }
    next = std::max(next + interval_, std::chrono::steady_clock::now());
    lock.lock();
  }
}

}  // namespace pixeldex
