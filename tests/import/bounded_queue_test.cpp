// BoundedQueue: FIFO order, the bound holds producers back, Close() drains.
// ContentHashSet: digests in, digests found, malformed text refused.

#include "catalog/import/bounded_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "catalog/import/content_hash_set.h"
#include "catalog/storage/sha256.h"

namespace pixeldex::import {
namespace {

TEST(BoundedQueueTest, DeliversInOrderAndDrainsAfterClose) {
  BoundedQueue<int> queue(8);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(queue.Push(i));
  queue.Close();
  EXPECT_FALSE(queue.Push(99));
  std::vector<int> got;
  while (auto item = queue.Pop()) got.push_back(*item);
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(BoundedQueueTest, ProducerNeverRunsMoreThanCapacityAhead) {
  constexpr int kCapacity = 3;
  BoundedQueue<int> queue(kCapacity);
  std::atomic<int> pushed{0};
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) {
      queue.Push(i);
      pushed.fetch_add(1);
    }
    queue.Close();
  });
  int popped = 0;
  int max_ahead = 0;
  while (auto item = queue.Pop()) {
    EXPECT_EQ(*item, popped);
    ++popped;
    // Everything pushed and not yet popped is in the queue (or in one Push
    // that returned before `pushed` was incremented).
    max_ahead = std::max(max_ahead, pushed.load() - popped);
  }
  producer.join();
  EXPECT_EQ(popped, 100);
  EXPECT_LE(max_ahead, kCapacity);
}

TEST(BoundedQueueTest, CloseWakesBlockedConsumers) {
  BoundedQueue<int> queue(1);
  std::vector<std::thread> consumers;
  std::atomic<int> finished{0};
  for (int i = 0; i < 4; ++i) {
    consumers.emplace_back([&] {
      while (queue.Pop()) {
      }
      finished.fetch_add(1);
    });
  }
  queue.Close();
  for (auto& c : consumers) c.join();
  EXPECT_EQ(finished.load(), 4);
}

TEST(ContentHashSetTest, FindsWhatWasInsertedInEitherCase) {
  ContentHashSet set;
  const std::string a = storage::Sha256Hex("a");
  const std::string b = storage::Sha256Hex("b");
  EXPECT_TRUE(set.Insert(a));
  EXPECT_TRUE(set.Contains(a));
  EXPECT_FALSE(set.Contains(b));
  std::string upper = a;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  EXPECT_TRUE(set.Contains(upper));
  EXPECT_FALSE(set.Insert("abc"));
  EXPECT_FALSE(set.Insert(std::string(64, 'g')));
  EXPECT_EQ(set.size(), 1u);
}

}  // namespace
}  // namespace pixeldex::import
