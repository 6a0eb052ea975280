#include "catalog/common/cached_thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace pixeldex {
namespace {

using namespace std::chrono_literals;

// Polls `condition` until it holds or 10 s have passed.
template <typename Condition>
bool Eventually(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(CachedThreadPool, ResultsAndExceptionsArriveThroughTheFuture) {
  CachedThreadPool pool;
  std::future<int> answer = pool.Submit([] { return 42; });
  std::future<void> failure = pool.Submit([] { throw std::runtime_error("boom"); });
  EXPECT_EQ(answer.get(), 42);
  EXPECT_THROW(failure.get(), std::runtime_error);
  // The packaged task is the workers' catch boundary: the pool goes on.
  EXPECT_EQ(pool.Submit([] { return 7; }).get(), 7);
}

TEST(CachedThreadPool, TasksNeverWaitForEachOther) {
  // Each task blocks until all have started: only possible if every task
  // got a worker of its own at once.
  constexpr int kTasks = 8;
  CachedThreadPool pool;
  std::mutex mutex;
  std::condition_variable all_started;
  int started = 0;
  std::vector<std::future<bool>> results;
  for (int i = 0; i < kTasks; ++i) {
    results.push_back(pool.Submit([&] {
      std::unique_lock lock(mutex);
      if (++started == kTasks) all_started.notify_all();
      return all_started.wait_for(lock, 10s, [&] { return started == kTasks; });
    }));
  }
  for (auto& r : results) EXPECT_TRUE(r.get());
  EXPECT_EQ(pool.WorkerCount(), kTasks);
}

TEST(CachedThreadPool, AnIdleWorkerIsReused) {
  CachedThreadPool pool;
  EXPECT_EQ(pool.Submit([] { return std::this_thread::get_id(); }).wait_for(10s),
            std::future_status::ready);
  ASSERT_TRUE(Eventually([&] { return pool.IdleCount() == 1; }));
  pool.Submit([] {}).get();
  EXPECT_EQ(pool.WorkerCount(), 1);
}

TEST(CachedThreadPool, IdleWorkersExitAfterTheTimeout) {
  CachedThreadPool pool(10ms);
  for (int i = 0; i < 3; ++i) pool.Submit([] {}).get();
  EXPECT_TRUE(Eventually([&] { return pool.WorkerCount() == 0; }));
  EXPECT_EQ(pool.Submit([] { return 7; }).get(), 7);  // and a new one starts
}

TEST(CachedThreadPool, DestructionWaitsForEveryTask) {
  std::atomic<int> done{0};
  {
    CachedThreadPool pool;
    for (int i = 0; i < 16; ++i) {
      pool.Submit([&] {
        std::this_thread::yield();
        ++done;
      });
    }
  }
  EXPECT_EQ(done.load(), 16);
}

// Counts the workers whose thread-exit destructors have run, as OpenSSL's
// per-thread state is freed: by a destructor at thread exit.
std::atomic<int> threads_finished{0};
struct ThreadExitCounter {
  ~ThreadExitCounter() { ++threads_finished; }
};
thread_local ThreadExitCounter thread_exit_counter;

TEST(CachedThreadPool, DestructionJoinsEveryWorker) {
  // Each of the 4 tasks has a worker of its own (they wait for each other);
  // after the pool is gone, no worker may still be on its way out (the
  // process could exit under it, leaking or racing its thread-local state).
  constexpr int kTasks = 4;
  threads_finished = 0;
  {
    CachedThreadPool pool;
    std::atomic<int> started{0};
    for (int i = 0; i < kTasks; ++i) {
      pool.Submit([&] {
        (void)&thread_exit_counter;  // constructs this thread's counter
        ++started;
        while (started.load() < kTasks) std::this_thread::yield();
      });
    }
  }
  EXPECT_EQ(threads_finished.load(), kTasks);
}

TEST(CachedThreadPool, RetiredWorkersAreJoinedByTheNextTask) {
  threads_finished = 0;
  CachedThreadPool pool(1ms);
  pool.Submit([] { (void)&thread_exit_counter; }).get();
  ASSERT_TRUE(Eventually([&] { return pool.WorkerCount() == 0; }));
  pool.Submit([] {}).get();  // joins the retired worker before it starts
  EXPECT_EQ(threads_finished.load(), 1);
}

}  // namespace
}  // namespace pixeldex
