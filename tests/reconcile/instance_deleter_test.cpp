// DeleteInstance and FinishInterruptedDeletes over a real archive whose file
// system fails each durable step of a delete in turn: whatever fails, after
// the next reconciliation files and rows agree, nothing is left in
// .deleting/, and an instance whose file had moved is gone (never cataloged
// again); one whose file had not moved is intact. An instance deleted
// meanwhile is not deleted (nor recorded) twice, and an interrupted delete
// keeps an instance received again since. A delete by the process that is
// storing the same instance (the server's recycling or DICOMweb DELETE
// beside its C-STORE) waits for the store to finish, then deletes it.

#include "catalog/reconcile/instance_deleter.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>

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

TEST_F(InstanceDeleterTest, ADeleteWaitsForAStoreOfTheSameInstanceInProgress) {
  using namespace std::chrono_literals;
  // One writer for the store and the delete, as in the server: a store that
  // has put its file in place stops before its rows are written.
  std::atomic<bool> armed{false};
  std::promise<void> applying;
  std::promise<void> go;
  const std::shared_future<void> released = go.get_future().share();
  index::IndexWriterOptions options;
  options.before_apply = [&] {
    if (!armed.exchange(false)) return;
    applying.set_value();
    released.wait();
  };
  pipeline_.reset();
  writer_.reset();
  auto writer = index::IndexWriter::Open(index_path_, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  writer_ = std::move(writer).value();
  pipeline_ = std::make_unique<ingest::IngestPipeline>(store_, *writer_, ingest::IngestOptions{});
  const TestInstance t = Instance();
  const std::string path = Stored(t);

  armed = true;
  auto store = std::async(std::launch::async, [&] { return Ingest(t); });  // received again
  std::future<Status> deleted;
  // Lets the store go on whatever the assertions below find (destroyed
  // before the futures, which wait for their tasks).
  struct Release {
    std::promise<void>& go;
    bool done = false;
    ~Release() {
      if (!done) go.set_value();
    }
  } release{go};
  ASSERT_EQ(applying.get_future().wait_for(30s), std::future_status::ready);
  deleted = std::async(std::launch::async, [&] { return Delete(t); });
  // The delete waits for the instance's lock, which the store holds: it has
  // not moved the file the store has just put in place. (A delete that did
  // not wait would have moved it within microseconds.)
  EXPECT_EQ(deleted.wait_for(200ms), std::future_status::timeout);
  EXPECT_TRUE(fs::exists(FileOf(path)));
  EXPECT_TRUE(DeletingIsEmpty());

  release.done = true;
  go.set_value();
  ASSERT_EQ(store.wait_for(30s), std::future_status::ready);
  auto stored = store.get();
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->disposition, ingest::Disposition::kReplaced);
  ASSERT_EQ(deleted.wait_for(30s), std::future_status::ready);
  const Status status = deleted.get();
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_FALSE(fs::exists(FileOf(path)));
  EXPECT_EQ(Rows(t), 0);
  EXPECT_TRUE(DeletingIsEmpty());
  EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
}

}  // namespace
}  // namespace pixeldex::testing
