// NegotiationBudget: per-port slots, a per-peer share, and the request
// deadline that shuts overdue connections down (on a fake clock).

#include "server/listener/negotiation_budget.h"

#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace pixeldex::server {
namespace {

using namespace std::chrono_literals;
using Clock = NegotiationBudget::Clock;

// A connected socket pair; the budget watches `ours`, the test reads `theirs`.
struct SocketPair {
  SocketPair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    ours = fds[0];
    theirs = fds[1];
  }
  ~SocketPair() {
    ::close(ours);
    ::close(theirs);
  }
  // True when `ours` was shut down: the other end reads end-of-stream.
  bool ShutDown() const {
    char byte;
    return ::recv(theirs, &byte, 1, MSG_DONTWAIT) == 0;
  }
  int ours = -1;
  int theirs = -1;
};

NegotiationBudget::Limits Limits(int per_port, int per_peer) { return {per_port, per_peer, 5s}; }

TEST(NegotiationBudgetTest, OnePeerHoldsAtMostItsShareOthersStillGetSlots) {
  NegotiationBudget budget(Limits(4, 2));
  const auto now = Clock::now();
  SocketPair a, b, c, d;
  const auto s1 = budget.Reserve();
  const auto s2 = budget.Reserve();
  const auto s3 = budget.Reserve();
  EXPECT_TRUE(budget.Admit(s1, a.ours, "10.0.0.9", now));
  EXPECT_TRUE(budget.Admit(s2, b.ours, "10.0.0.9", now));
  EXPECT_FALSE(budget.Admit(s3, c.ours, "10.0.0.9", now)) << "a third slot for the same address";
  budget.Release(s3);
  const auto s4 = budget.Reserve();
  EXPECT_TRUE(budget.Admit(s4, d.ours, "10.0.0.7", now)) << "another address";
  // Releasing one of the address's slots gives it room again.
  budget.Release(s1);
  const auto s5 = budget.Reserve();
  EXPECT_TRUE(budget.Admit(s5, c.ours, "10.0.0.9", now));
}

TEST(NegotiationBudgetTest, IsExhaustedWhileEverySlotIsTakenAndWaitsForOne) {
  NegotiationBudget budget(Limits(2, 2));
  EXPECT_TRUE(budget.WaitForSlot(0s));
  const auto s1 = budget.Reserve();
  EXPECT_FALSE(budget.Exhausted());
  const auto s2 = budget.Reserve();
  EXPECT_TRUE(budget.Exhausted());
  EXPECT_FALSE(budget.WaitForSlot(10ms));
  budget.Release(s2);
  EXPECT_FALSE(budget.Exhausted());
  EXPECT_TRUE(budget.WaitForSlot(0s));
  EXPECT_FALSE(budget.WaitUntilIdle(0s));
  budget.Release(s1);
  EXPECT_TRUE(budget.WaitUntilIdle(0s));
  EXPECT_EQ(budget.negotiating(), 0);
}

TEST(NegotiationBudgetTest, ShutsDownOnlyConnectionsPastTheirRequestDeadline) {
  NegotiationBudget budget(Limits(4, 4));
  const auto start = Clock::now();
  SocketPair early, late, delivered;
  const auto s1 = budget.Reserve();
  const auto s2 = budget.Reserve();
  const auto s3 = budget.Reserve();
  ASSERT_TRUE(budget.Admit(s1, early.ours, "10.0.0.1", start));
  ASSERT_TRUE(budget.Admit(s2, late.ours, "10.0.0.2", start + 3s));
  ASSERT_TRUE(budget.Admit(s3, delivered.ours, "10.0.0.3", start));
  EXPECT_FALSE(budget.Disarm(s3));  // its request arrived in time

  EXPECT_EQ(budget.CloseOverdue(start + 4s), 0);
  EXPECT_FALSE(early.ShutDown());
  EXPECT_EQ(budget.CloseOverdue(start + 5s), 1);
  EXPECT_TRUE(early.ShutDown());
  EXPECT_FALSE(late.ShutDown());
  EXPECT_FALSE(delivered.ShutDown());
  EXPECT_EQ(budget.CloseOverdue(start + 8s), 1);
  EXPECT_TRUE(late.ShutDown());
  EXPECT_FALSE(delivered.ShutDown());
  // Shut down, but still negotiating until its thread releases the slot.
  EXPECT_EQ(budget.negotiating(), 3);
  EXPECT_EQ(budget.CloseOverdue(start + 60s), 0) << "each connection is shut down once";
  EXPECT_TRUE(budget.Disarm(s1)) << "its thread learns it was shut down";
}

}  // namespace
}  // namespace pixeldex::server
