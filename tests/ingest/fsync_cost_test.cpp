// FsyncCost (catalog/ingest/fsync_cost.h): a new pipeline hands fsyncs off;
// after fast ones it runs them inline; one slow fsync hands off again until
// fast ones bring the estimate back down; the threshold decides.

#include "catalog/ingest/fsync_cost.h"

#include <gtest/gtest.h>

namespace pixeldex::ingest {
namespace {

using std::chrono::microseconds;

TEST(FsyncCost, StartsHandingOffThenRunsFastFsyncsInline) {
  FsyncCost cost;
  EXPECT_FALSE(cost.RunInline());
  int observed = 0;
  while (!cost.RunInline() && observed < 1000) {
    cost.Observe(microseconds(5));
    ++observed;
  }
  EXPECT_TRUE(cost.RunInline());
  // From 1 ms to below 50 us, an eighth at a time: a few dozen fsyncs.
  EXPECT_GT(observed, 10);
  EXPECT_LT(observed, 40);
}

TEST(FsyncCost, OneSlowFsyncHandsOffAgainUntilFastOnesFollow) {
  FsyncCost cost;
  for (int i = 0; i < 100; ++i) cost.Observe(microseconds(5));
  ASSERT_TRUE(cost.RunInline());
  cost.Observe(microseconds(1000));
  EXPECT_FALSE(cost.RunInline());
  for (int i = 0; i < 20; ++i) cost.Observe(microseconds(5));
  EXPECT_TRUE(cost.RunInline());
}

TEST(FsyncCost, DiskFsyncsAreAlwaysHandedOff) {
  FsyncCost cost;
  for (int i = 0; i < 1000; ++i) {
    cost.Observe(microseconds(i % 10 == 0 ? 30 : 800));  // now and then a fast one
    EXPECT_FALSE(cost.RunInline()) << i;
  }
}

TEST(FsyncCost, TheThresholdDecides) {
  EXPECT_FALSE(FsyncCost(microseconds(0)).RunInline());
  EXPECT_TRUE(FsyncCost(std::chrono::hours(1)).RunInline());
}

}  // namespace
}  // namespace pixeldex::ingest
