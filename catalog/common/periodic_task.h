#pragma once
// PeriodicTask: runs a task every `interval` on a thread of its own (the
// server's retention timer, server/dicom_server.cpp), the first run one
// interval after the start; runs never overlap, and a run that takes longer
// than the interval is followed by the next one at once. A run that throws
// is logged as an error and the next one still runs on time: the thread
// never dies silently. The destructor stops it: it wakes the waiting thread,
// waits for a run in progress to return (a long task watches its own
// cancel flag) and joins, so no run outlives the object. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace pixeldex {

class PeriodicTask {
 public:
  // `name` names the task in log lines. Starts the thread; throws
  // std::system_error when it cannot.
  PeriodicTask(std::string name, std::chrono::steady_clock::duration interval,
               std::function<void()> task);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

 private:
  void Loop();

  const std::string name_;
  const std::chrono::steady_clock::duration interval_;
  const std::function<void()> task_;
  std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace pixeldex
