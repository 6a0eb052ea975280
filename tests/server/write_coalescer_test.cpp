// WriteCoalescer: what reaches the connection, when, and what a failed write
// leaves behind; with a fake clock and a recording connection.

#include "server/listener/write_coalescer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

namespace pixeldex::server {
namespace {

using std::chrono::microseconds;

class WriteCoalescerTest : public ::testing::Test {
 protected:
  // Each write the connection received; `accept_at_most` bytes per write,
  // -1 once `fail` is set.
  std::vector<std::string> writes_;
  size_t accept_at_most_ = SIZE_MAX;
  bool fail_ = false;
  WriteCoalescer::Clock::time_point now_{};

  WriteCoalescer coalescer_{
      [this](const char* data, size_t size) -> ssize_t {
        if (fail_) {
          errno = ECONNRESET;
          return -1;
        }
        const size_t n = std::min(size, accept_at_most_);
        writes_.emplace_back(data, n);
        return static_cast<ssize_t>(n);
      },
      [this] { return now_; }};

  ssize_t Write(const std::string& bytes) { return coalescer_.Write(bytes.data(), bytes.size()); }
};

TEST_F(WriteCoalescerTest, PassesWritesThroughUntilHold) {
  EXPECT_EQ(Write("abc"), 3);
  EXPECT_EQ(Write("de"), 2);
  EXPECT_EQ(writes_, (std::vector<std::string>{"abc", "de"}));
}

TEST_F(WriteCoalescerTest, KeepsHeldWritesAndReleasesThemInOneWriteInOrder) {
  coalescer_.Hold();
  EXPECT_EQ(Write("head"), 4);  // DCMTK sees every byte taken
  EXPECT_EQ(Write("pdv1"), 4);
  EXPECT_EQ(Write("pdv2"), 4);
  EXPECT_TRUE(writes_.empty());
  EXPECT_EQ(coalescer_.kept(), 12u);
  coalescer_.Release();
  EXPECT_EQ(writes_, (std::vector<std::string>{"headpdv1pdv2"}));
  // The final response, after Release, goes straight out.
  EXPECT_EQ(Write("final"), 5);
  EXPECT_EQ(writes_.back(), "final");
  EXPECT_FALSE(coalescer_.holding());
}

TEST_F(WriteCoalescerTest, WritesOutOnceFlushBytesHaveGathered) {
  coalescer_.Hold();
  const std::string chunk(WriteCoalescer::kFlushBytes / 4, 'x');
  for (int i = 0; i < 3; ++i) Write(chunk);
  EXPECT_TRUE(writes_.empty());
  Write(chunk);
  ASSERT_EQ(writes_.size(), 1u);
  EXPECT_EQ(writes_[0].size(), WriteCoalescer::kFlushBytes);
  EXPECT_EQ(coalescer_.kept(), 0u);
  EXPECT_TRUE(coalescer_.holding());  // and goes on gathering
  Write("y");
  EXPECT_EQ(writes_.size(), 1u);
}

TEST_F(WriteCoalescerTest, WritesOutWhatWaitedLongerThanMaxHold) {
  coalescer_.Hold();
  Write("first");
  now_ += WriteCoalescer::kMaxHold;
  coalescer_.FlushIfStale();  // exactly kMaxHold: not yet
  EXPECT_TRUE(writes_.empty());
  now_ += microseconds(1);
  coalescer_.FlushIfStale();
  EXPECT_EQ(writes_, (std::vector<std::string>{"first"}));
  coalescer_.FlushIfStale();  // nothing kept: nothing written
  EXPECT_EQ(writes_.size(), 1u);
}

TEST_F(WriteCoalescerTest, AWriteAfterMaxHoldTakesTheOlderBytesAlong) {
  coalescer_.Hold();
  Write("old");
  now_ += WriteCoalescer::kMaxHold + microseconds(1);
  Write("new");
  EXPECT_EQ(writes_, (std::vector<std::string>{"oldnew"}));
  // The age counts from the first byte kept after a write-out.
  Write("a");
  now_ += WriteCoalescer::kMaxHold;
  Write("b");
  EXPECT_EQ(writes_.size(), 1u);
}

TEST_F(WriteCoalescerTest, ShortWritesAreContinued) {
  accept_at_most_ = 3;
  coalescer_.Hold();
  Write("abcdefgh");
  coalescer_.Release();
  EXPECT_EQ(writes_, (std::vector<std::string>{"abc", "def", "gh"}));
}

TEST_F(WriteCoalescerTest, AFailedWriteOutFailsEveryLaterWrite) {
  coalescer_.Hold();
  Write("pending");
  fail_ = true;
  coalescer_.Release();
  fail_ = false;  // even a connection that would take it: the stream is broken
  EXPECT_EQ(Write("final"), -1);
  EXPECT_TRUE(writes_.empty());
}

TEST_F(WriteCoalescerTest, AFailedWriteOutWhileHoldingFailsThatWrite) {
  coalescer_.Hold();
  fail_ = true;
  EXPECT_EQ(Write(std::string(WriteCoalescer::kFlushBytes, 'x')), -1);
  EXPECT_EQ(coalescer_.kept(), 0u);
}

}  // namespace
}  // namespace pixeldex::server
