// DeleteInstance and FinishInterruptedDeletes over a real archive whose file
// system fails each durable step of a delete in turn: whatever fails, after
// the next reconciliation files and rows agree, nothing is left in
// .deleting/, and an instance whose file had moved is gone (never cataloged
// again); one whose file had not moved is intact. An instance deleted
// meanwhile is not deleted (nor recorded) twice, and an interrupted delete
// keeps an instance received again since.

#include "catalog/reconcile/instance_deleter.h"

#include <filesystem>

#include "tests/reconcile/archive_fixture.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;
using Op = FaultyFileSystem::Op;

class InstanceDeleterTest : public ArchiveFixture {
 protected:
  TestInstance Instance() const {
    TestInstance t;
    t.study_uid = UniqueUid("1.");
    t.series_uid = UniqueUid("2.");
    t.sop_instance_uid = UniqueUid("3.");
    return t;
  }
  Status Delete(const TestInstance& t) {
    return reconcile::DeleteInstance(faults_, store_.layout(), *writer_, {t.sop_instance_uid},
                                     "user tester: a test");
  }
  long long Rows(const TestInstance& t) const {
    return probe_.Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?",
                        {t.sop_instance_uid});
  }
  bool DeletingIsEmpty() const {
    std::error_code ec;
    return !fs::exists(store_.layout().DeletingDir()) || fs::is_empty(store_.layout().DeletingDir());
  }
};

TEST_F(InstanceDeleterTest, RemovesFileAndRowsAndRecordsWhoAndWhy) {
  const TestInstance kept = Instance(), gone = Instance();
  Stored(kept);
  const std::string path = Stored(gone);
  ASSERT_TRUE(Delete(gone).ok());
  EXPECT_FALSE(fs::exists(FileOf(path)));
  EXPECT_EQ(Rows(gone), 0);
  EXPECT_EQ(Rows(kept), 1);
  EXPECT_TRUE(DeletingIsEmpty());
  EXPECT_EQ(probe_.Scalar("SELECT detail FROM events WHERE kind = 'deleted' AND "
                          "sop_instance_uid = ?",
                          {gone.sop_instance_uid}),
            "user tester: a test");
  EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
}

TEST_F(InstanceDeleterTest, AnInstanceDeletedMeanwhileIsNotDeletedTwice) {
  const TestInstance t = Instance();
  Stored(t);
  ASSERT_TRUE(Delete(t).ok());
  EXPECT_TRUE(Delete(t).ok()) << "someone else's delete went first";
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM events WHERE kind = 'deleted' AND "
                         "sop_instance_uid = ?1",
                         {t.sop_instance_uid}),
            1);
}

TEST_F(InstanceDeleterTest, AnInterruptedDeleteKeepsAnInstanceReceivedAgainSince) {
  // A delete stopped after its file went into .deleting/; the instance was
  // then received again (rows and a file at its recorded path).
  const TestInstance t = Instance();
  const std::string path = Stored(t);
  const fs::path pending =
      store_.layout().root() / storage::StorageLayout::DeletingRelativePath(t.sop_instance_uid);
  fs::create_directories(pending.parent_path());
  fs::copy_file(FileOf(path), pending);
  const reconcile::ReconcileReport report = Reconcile();
  EXPECT_EQ(report.deletes_finished, 1);
  EXPECT_TRUE(DeletingIsEmpty());
  EXPECT_EQ(Rows(t), 1);
  EXPECT_TRUE(fs::exists(FileOf(path)));
  EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
}

class InstanceDeleterFaultTest : public InstanceDeleterTest,
                                 public ::testing::WithParamInterface<std::pair<Op, int>> {};

TEST_P(InstanceDeleterFaultTest, AFailedStepIsFinishedOrHarmlessAfterReconcile) {
  const TestInstance t = Instance();
  const std::string path = Stored(t);
  faults_.FailOnce(GetParam().first, GetParam().second);
  EXPECT_FALSE(Delete(t).ok());
  const bool moved = !fs::exists(FileOf(path));
  const bool pending = !DeletingIsEmpty();
  const reconcile::ReconcileReport report = Reconcile();
  EXPECT_TRUE(DeletingIsEmpty());
  EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
  if (moved) {
    EXPECT_EQ(Rows(t), 0) << "a delete whose intent was durable is finished";
    EXPECT_EQ(report.deletes_finished, pending ? 1 : 0);
  } else {
    EXPECT_EQ(Rows(t), 1) << "nothing happened: the instance is intact";
  }
}

INSTANTIATE_TEST_SUITE_P(EachDurableStep, InstanceDeleterFaultTest,
                         ::testing::Values(std::pair{Op::kCreateDirectory, 0},
                                           std::pair{Op::kSync, 0}, std::pair{Op::kRename, 0},
                                           std::pair{Op::kSync, 1}, std::pair{Op::kSync, 2},
                                           std::pair{Op::kRemoveFile, 0},
                                           std::pair{Op::kSync, 3}));

}  // namespace
}  // namespace pixeldex::testing
