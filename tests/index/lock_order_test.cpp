// The order a batch's jobs are applied in (catalog/index/lock_order.h): one
// global order of row locks, with the jobs whose order matters kept in it.

#include "catalog/index/lock_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace pixeldex::index {
namespace {

std::optional<RowLockKey> Instance(const std::string& study, const std::string& sop,
                                   const std::string& patient = "P1") {
  return RowLockKey{patient, "", study, study + ".1", sop};
}

// The keys of `keys` in the order LockOrder gives.
std::vector<std::optional<RowLockKey>> Ordered(const std::vector<std::optional<RowLockKey>>& keys) {
  std::vector<std::optional<RowLockKey>> ordered;
  for (size_t i : LockOrder(keys)) ordered.push_back(keys[i]);
  return ordered;
}

TEST(LockOrderTest, TwoBatchesMeetingTwoStudiesInOppositeOrdersLockThemInOneOrder) {
  // Node A's batch meets study 1.2 then 1.1; node B's the other way round.
  const auto a = Ordered({Instance("1.2", "a1"), Instance("1.1", "a2")});
  const auto b = Ordered({Instance("1.1", "b1"), Instance("1.2", "b2")});
  EXPECT_EQ(a[0]->study_instance_uid, "1.1");
  EXPECT_EQ(a[1]->study_instance_uid, "1.2");
  EXPECT_EQ(b[0]->study_instance_uid, "1.1");
  EXPECT_EQ(b[1]->study_instance_uid, "1.2");
}

TEST(LockOrderTest, ThePatientIsOrderedBeforeTheStudy) {
  // A patient's row is locked before its study's: patients are ordered
  // first, whatever their studies' UIDs.
  EXPECT_EQ(LockOrder({Instance("1.1", "x", "P2"), Instance("1.9", "y", "P1")}),
            (std::vector<size_t>{1, 0}));
}

TEST(LockOrderTest, AnyPermutationOfABatchGivesSortedKeys) {
  std::vector<std::optional<RowLockKey>> keys;
  for (int i = 0; i < 40; ++i) {
    keys.push_back(Instance("1." + std::to_string(i % 7), "2." + std::to_string(i),
                            "P" + std::to_string(i % 3)));
  }
  std::mt19937 random(7);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(keys.begin(), keys.end(), random);
    const auto ordered = Ordered(keys);
    EXPECT_TRUE(std::is_sorted(ordered.begin(), ordered.end(),
                               [](const auto& a, const auto& b) { return *a < *b; }));
  }
}

TEST(LockOrderTest, EqualKeysKeepTheirOrder) {
  const RowLockKey history{};
  EXPECT_EQ(LockOrder({history, Instance("1.2", "a"), history, history}),
            (std::vector<size_t>{0, 2, 3, 1}));
}

TEST(LockOrderTest, NoJobMovesAcrossOneWhoseRowsAreUnknown) {
  // A removal (nullopt) between two stretches: each stretch is sorted alone.
  EXPECT_EQ(LockOrder({Instance("1.2", "a"), Instance("1.1", "b"), std::nullopt,
                       Instance("1.4", "c"), Instance("1.3", "d")}),
            (std::vector<size_t>{1, 0, 2, 4, 3}));
}

TEST(LockOrderTest, AStretchThatWritesOneInstanceTwiceKeepsItsOrder) {
  // The second write of "x" must win: it stays after the first, so the
  // stretch is not reordered at all.
  EXPECT_EQ(LockOrder({Instance("1.2", "x"), Instance("1.3", "y"), Instance("1.1", "x")}),
            (std::vector<size_t>{0, 1, 2}));
}

TEST(LockOrderTest, AnEmptyBatchHasAnEmptyOrder) { EXPECT_TRUE(LockOrder({}).empty()); }

// The old instance's rows a replacing store or a removal locks, before and
// after upserting the new record's parents.
RowLockKey ParentKeys(const std::string& patient, const std::string& study, const std::string& series) {
  return RowLockKey{patient, "", study, series, "9.9"};
}
const std::vector<EntityLevel> kAllParents = {EntityLevel::kPatient, EntityLevel::kStudy,
                                              EntityLevel::kSeries};

void ExpectOldRowLocks(const ReplacedRowLocks& locks, const std::vector<EntityLevel>& before,
                       const std::vector<EntityLevel>& after) {
  EXPECT_EQ(locks.before_upsert, before);
  EXPECT_EQ(locks.after_upsert, after);
}

TEST(ReplacedRowLocksTest, ARemovalLocksTheOldPatientStudyAndSeriesFirst) {
  ExpectOldRowLocks(ReplacedRowLocksOf(ParentKeys("P1", "1.1", "1.1.1"), std::nullopt),
                    kAllParents, {});
}

TEST(ReplacedRowLocksTest, TheSameParentsAreLockedByTheUpsertAlone) {
  ExpectOldRowLocks(
      ReplacedRowLocksOf(ParentKeys("P1", "1.1", "1.1.1"), ParentKeys("P1", "1.1", "1.1.1")), {},
      {});
}

TEST(ReplacedRowLocksTest, OldRowsOrderedFirstAreLockedBeforeTheUpsertWithTheSharedOnes) {
  // Same patient, an earlier study: the patient, then the old study and series.
  ExpectOldRowLocks(
      ReplacedRowLocksOf(ParentKeys("P1", "1.1", "1.1.1"), ParentKeys("P1", "1.2", "1.2.1")),
      kAllParents, {});
}

TEST(ReplacedRowLocksTest, OldRowsOrderedLastAreLockedAfterTheUpsertFromWhereTheyDiffer) {
  ExpectOldRowLocks(
      ReplacedRowLocksOf(ParentKeys("P1", "1.2", "1.2.1"), ParentKeys("P1", "1.1", "1.1.1")), {},
      {EntityLevel::kStudy, EntityLevel::kSeries});
  ExpectOldRowLocks(
      ReplacedRowLocksOf(ParentKeys("P1", "1.1", "1.1.2"), ParentKeys("P1", "1.1", "1.1.1")), {},
      {EntityLevel::kSeries});
  ExpectOldRowLocks(
      ReplacedRowLocksOf(ParentKeys("P2", "1.1", "1.1.1"), ParentKeys("P1", "1.9", "1.9.1")), {},
      kAllParents);
}

TEST(ReplacedRowLocksTest, AnAnonymousPatientIsItsStudysOwnRow) {
  // PS3.3 C.7.1.1: two studies without a Patient ID have two patients.
  ExpectOldRowLocks(
      ReplacedRowLocksOf(ParentKeys("", "1.2", "1.2.1"), ParentKeys("", "1.1", "1.1.1")), {},
      kAllParents);
}

}  // namespace
}  // namespace pixeldex::index
