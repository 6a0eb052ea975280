// PeriodicTask (catalog/common/periodic_task.h): runs its task again and
// again at its interval, a task that throws does not end the thread, and
// destruction neither waits for the interval nor leaves a run behind. Every
// wait is on an observed outcome (a count reached), never on a time.

#include "catalog/common/periodic_task.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace pixeldex {
namespace {

using std::chrono::milliseconds;

// Counts runs; WaitFor returns once `n` runs have ended (or a generous
// deadline has passed, so a broken timer fails instead of hanging).
class RunCounter {
 public:
  void Ended() {
    std::lock_guard lock(mutex_);
    ++runs_;
    changed_.notify_all();
  }
  bool WaitFor(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(60), [&] { return runs_ >= n; });
  }
  int runs() {
    std::lock_guard lock(mutex_);
    return runs_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int runs_ = 0;
};

TEST(PeriodicTaskTest, RunsAgainAtEachIntervalUntilDestroyed) {
  RunCounter counter;
  auto task = std::make_unique<PeriodicTask>("counting", milliseconds(1), [&] { counter.Ended(); });
  EXPECT_TRUE(counter.WaitFor(3));
  task.reset();
  const int after_stop = counter.runs();
  EXPECT_GE(after_stop, 3);
  // Joined: no run can start or end any more.
  EXPECT_EQ(counter.runs(), after_stop);
}

TEST(PeriodicTaskTest, ARunThatThrowsDoesNotEndTheThread) {
  RunCounter counter;
  int calls = 0;  // only the task's thread touches it
  PeriodicTask task("throwing", milliseconds(1), [&] {
    if (++calls == 1) throw std::runtime_error("first run fails");
    counter.Ended();
  });
  EXPECT_TRUE(counter.WaitFor(2));
}

TEST(PeriodicTaskTest, DestructionDoesNotWaitForTheInterval) {
  RunCounter counter;
  {
    // Would block this test for a day if the stop did not wake the thread.
    PeriodicTask task("daily", std::chrono::hours(24), [&] { counter.Ended(); });
  }
  EXPECT_EQ(counter.runs(), 0);
}

}  // namespace
}  // namespace pixeldex
