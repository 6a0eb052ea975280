// FreeSpaceGauge: when the admission check measures (statfs) and what it
// answers in between (catalog/storage/free_space_gauge.h).

#include "catalog/storage/free_space_gauge.h"

#include <gtest/gtest.h>

namespace pixeldex::storage {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

class FreeSpaceGaugeTest : public ::testing::Test {
 protected:
  // The file system's free bytes, as the next measurement finds them.
  uint64_t free_ = 1000 * kMiB;
  int measurements_ = 0;
  bool failing_ = false;
  FreeSpaceGauge::Clock::time_point now_{};
  FreeSpaceGauge gauge_{
      [this]() -> Result<uint64_t> {
        ++measurements_;
        if (failing_) return Status::IoError("statfs failed");
        return free_;
      },
      [this] { return now_; }};
};

TEST_F(FreeSpaceGaugeTest, ChecksFarAboveTheMinimumShareOneMeasurement) {
  EXPECT_EQ(*gauge_.FreeBytesFor(100 * kMiB), 1000 * kMiB);
  gauge_.Consumed(10 * kMiB);
  free_ = 5 * kMiB;  // another writer: not seen until the next measurement
  EXPECT_EQ(*gauge_.FreeBytesFor(100 * kMiB), 990 * kMiB);
  EXPECT_EQ(measurements_, 1);
}

TEST_F(FreeSpaceGaugeTest, WhatThisProcessStoredBringsTheNextMeasurementNearTheMinimum) {
  ASSERT_TRUE(gauge_.FreeBytesFor(100 * kMiB).ok());
  // 1000 - 837 = 163 MiB: still kMargin (64 MiB) or more above 100.
  gauge_.Consumed(836 * kMiB);
  EXPECT_EQ(*gauge_.FreeBytesFor(100 * kMiB), 164 * kMiB);
  EXPECT_EQ(measurements_, 1);
  gauge_.Consumed(1 * kMiB);
  free_ = 150 * kMiB;
  EXPECT_EQ(*gauge_.FreeBytesFor(100 * kMiB), 150 * kMiB);  // measured
  EXPECT_EQ(measurements_, 2);
}

TEST_F(FreeSpaceGaugeTest, NearOrBelowTheMinimumEveryCheckMeasures) {
  free_ = 120 * kMiB;
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(*gauge_.FreeBytesFor(100 * kMiB), 120 * kMiB);
    EXPECT_EQ(measurements_, i);
  }
  free_ = 50 * kMiB;  // below: refused, then space freed is seen at once
  EXPECT_EQ(*gauge_.FreeBytesFor(100 * kMiB), 50 * kMiB);
  free_ = 900 * kMiB;
  EXPECT_EQ(*gauge_.FreeBytesFor(100 * kMiB), 900 * kMiB);
  EXPECT_EQ(measurements_, 5);
}

TEST_F(FreeSpaceGaugeTest, AMeasurementIsReusedForLessThanOneSecond) {
  ASSERT_TRUE(gauge_.FreeBytesFor(100 * kMiB).ok());
  free_ = 80 * kMiB;  // another writer took it all
  now_ += FreeSpaceGauge::kMaxAge - std::chrono::milliseconds(1);
  EXPECT_EQ(*gauge_.FreeBytesFor(100 * kMiB), 1000 * kMiB);
  now_ += std::chrono::milliseconds(1);
  EXPECT_EQ(*gauge_.FreeBytesFor(100 * kMiB), 80 * kMiB);
  EXPECT_EQ(measurements_, 2);
}

TEST_F(FreeSpaceGaugeTest, AFailedMeasurementIsReturnedAndNotRemembered) {
  ASSERT_TRUE(gauge_.FreeBytesFor(100 * kMiB).ok());
  now_ += FreeSpaceGauge::kMaxAge;
  failing_ = true;
  EXPECT_EQ(gauge_.FreeBytesFor(100 * kMiB).status().code(), Status::Code::kIoError);
  failing_ = false;
  free_ = 700 * kMiB;
  EXPECT_EQ(*gauge_.FreeBytesFor(100 * kMiB), 700 * kMiB);
  EXPECT_EQ(measurements_, 3);
}

}  // namespace
}  // namespace pixeldex::storage
