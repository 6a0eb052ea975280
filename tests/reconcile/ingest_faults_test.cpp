// Fault injection: each step that makes a stored instance durable fails in
// turn (fsync of the file, opening a directory, mkdir, fsync of a parent,
// link, rename, fsync of the directory, a statement of the index
// transaction, its COMMIT). Whatever fails: no success, no file
// without rows, no rows without their file, no temporary file left, and
// reconcile finds the archive consistent (or makes it so).

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/reconcile/archive_fixture.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;
using Op = FaultyFileSystem::Op;

struct Step {
  const char* name;
  Op op;
  int skip;  // calls of `op` that succeed first, for a new study
  int err;
};

// Storing an instance of a new study and series calls, in order (the
// incoming directory is held open since Initialize): Sync(file), on a file
// worker started before the data set is parsed and so first (should it
// come later, another sync fails instead, and every assertion below holds
// all the same), or on the ingesting thread before the parse, and FileStore::CommitWhileSyncing,
// which does not wait for it before the rename: OpenDirectory(root), OpenDirectory(study: not
// found), CreateDirectory(study), OpenDirectory(study), Sync(root), OpenDirectory(series: not
// found), CreateDirectory(series), OpenDirectory(series), Sync(study dir), Link (the new name),
// Sync(series dir). (A replacement's link beside the target and rename over it:
// AFailedStepOfAReplacementKeepsTheAnsweredCopy.)
const Step kSteps[] = {
    {"fsync_of_the_file", Op::kSync, 0, EIO},
    {"open_of_the_root", Op::kOpenDirectory, 0, EIO},
    {"open_of_the_new_study_directory", Op::kOpenDirectory, 2, EIO},
    {"open_of_the_new_series_directory", Op::kOpenDirectory, 4, EIO},
    {"mkdir_of_the_study", Op::kCreateDirectory, 0, EIO},
    {"fsync_of_the_root", Op::kSync, 1, EIO},
    {"mkdir_of_the_series", Op::kCreateDirectory, 1, ENOSPC},
    {"fsync_of_the_study_directory", Op::kSync, 2, EIO},
    {"link_disk_full", Op::kLink, 0, ENOSPC},
    {"link_io_error", Op::kLink, 0, EIO},
    {"fsync_of_the_directory_after_the_link", Op::kSync, 3, EIO},
};

void PrintTo(const Step& step, std::ostream* os) { *os << step.name; }

// Each step fails with the file's fsync on a file worker and on the
// ingesting thread (IngestOptions::fsync_inline_below, fsync_cost.h).
class StoreStepFaultTest : public ArchiveFixture,
                           public ::testing::WithParamInterface<std::tuple<Step, bool>> {
 protected:
  void SetUp() override {
    options_.fsync_inline_below =
        std::get<1>(GetParam()) ? std::chrono::hours(1) : std::chrono::microseconds(0);
    ArchiveFixture::SetUp();
  }
};

TEST_P(StoreStepFaultTest, FailsCleanlyAndAStoreAfterwardsSucceeds) {
  const Step& step = std::get<0>(GetParam());
  TestInstance t;
  faults_.FailOnce(step.op, step.skip, step.err);
  auto failed = Ingest(t);
  ASSERT_FALSE(failed.ok()) << "the fault was not hit";
  EXPECT_EQ(failed.status().code(),
            step.err == ENOSPC ? Status::Code::kResourceExhausted : Status::Code::kIoError)
      << failed.status().ToString();
  EXPECT_NE(failed.status().message().find("injected fault"), std::string::npos);
  ArchiveAudit audit = Audit();
  EXPECT_TRUE(audit.Consistent()) << audit.Describe();
  EXPECT_EQ(audit.rows, 0);

  const auto report = Reconcile();
  EXPECT_EQ(report.cataloged.counts.files_done, 0);
  EXPECT_TRUE(report.missing.empty());

  // The fault was transient: the sender's retry is stored.
  ASSERT_TRUE(Ingest(t).ok());
  audit = Audit();
  EXPECT_TRUE(audit.Consistent()) << audit.Describe();
  EXPECT_EQ(audit.rows, 1);
}

INSTANTIATE_TEST_SUITE_P(EachStep, StoreStepFaultTest,
                         ::testing::Combine(::testing::ValuesIn(kSteps), ::testing::Bool()),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param).name) +
                                  (std::get<1>(info.param) ? "_fsync_inline"
                                                           : "_fsync_on_a_worker");
                         });

// The index step fails, installed as SQL on the index from outside.
struct IndexFault {
  const char* name;
  const char* install;
  const char* message;  // part of the error the pipeline returns
  const char* remove;
};

const IndexFault kIndexFaults[] = {
    // A statement of the transaction fails (as on a full or failing disk).
    {"statement",
     "CREATE TRIGGER refuse BEFORE INSERT ON instances BEGIN "
     "SELECT RAISE(FAIL, 'injected index failure'); END",
     "injected index failure", "DROP TRIGGER refuse"},
    // Every statement succeeds, then COMMIT itself fails: a trigger leaves a
    // deferred foreign key dangling, and SQLite refuses the transaction.
    {"commit",
     "CREATE TABLE fault_parent (id INTEGER PRIMARY KEY); "
     "CREATE TABLE fault_child (parent REFERENCES fault_parent(id) "
     "  DEFERRABLE INITIALLY DEFERRED); "
     "CREATE TRIGGER dangle AFTER INSERT ON instances BEGIN "
     "INSERT INTO fault_child VALUES (42); END",
     "FOREIGN KEY", "DROP TRIGGER dangle"},
};

void PrintTo(const IndexFault& fault, std::ostream* os) { *os << fault.name; }

class IndexStepFaultTest : public ArchiveFixture,
                           public ::testing::WithParamInterface<IndexFault> {};

TEST_P(IndexStepFaultTest, AFailedIndexStepTakesTheFileBack) {
  const IndexFault& fault = GetParam();
  TestInstance t;
  ExecSql(fault.install);
  auto failed = Ingest(t);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find(fault.message), std::string::npos)
      << failed.status().ToString();
  // Not a duplicate (0111) nor a data set error (A900/C000): the index failed.
  EXPECT_EQ(failed.status().code(), Status::Code::kInternal) << failed.status().ToString();
  ArchiveAudit audit = Audit();
  EXPECT_TRUE(audit.Consistent()) << audit.Describe();
  EXPECT_EQ(audit.rows, 0);

  ExecSql(fault.remove);
  EXPECT_EQ(Reconcile().cataloged.counts.files_done, 0);
  ASSERT_TRUE(Ingest(t).ok());
  EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
}

INSTANTIATE_TEST_SUITE_P(EachFault, IndexStepFaultTest, ::testing::ValuesIn(kIndexFaults),
                         [](const auto& info) { return std::string(info.param.name); });

class IngestFaultTest : public ArchiveFixture {};

TEST_F(IngestFaultTest, AnInterruptedReplacementIsReportedUntilTheInstanceIsReceivedAgain) {
  TestInstance t;
  t.series_description = "first copy";
  Stored(t);
  // Replacing at the same path: the rename succeeds, the directory fsync
  // after it fails. The new content is in place but the rows are the old
  // copy's: no success was sent. Reconcile cannot tell this from a file
  // damaged behind its back, so it reports it (never rewriting the recorded
  // SHA-256 silently); the sender, told of the failure, sends it again.
  t.series_description = "second copy, a little longer";
  faults_.FailOnce(Op::kSync, 1);
  ASSERT_FALSE(Ingest(t).ok());
  EXPECT_EQ(Audit().hash_mismatches.size(), 1u);

  const auto report = Reconcile();
  EXPECT_EQ(Count(report, import::FileResult::kCorrupt), 1);
  EXPECT_EQ(probe_.Scalar("SELECT series_description FROM instance_details"), "first copy");
  Stored(t);
  EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
  EXPECT_EQ(probe_.Scalar("SELECT series_description FROM instance_details"),
            "second copy, a little longer");
}

// A replacement finds the name taken (its first link fails, EEXIST), waits
// for the file's fsync, links the file beside the target and renames it over
// it. A failure of either leaves the answered copy, its file and rows as
// they were, and nothing beside it.
TEST_F(IngestFaultTest, AFailedStepOfAReplacementKeepsTheAnsweredCopy) {
  for (const Step& step : {Step{"link_beside_the_target", Op::kLink, 1, EIO},
                           Step{"rename_disk_full", Op::kRename, 0, ENOSPC},
                           Step{"rename_io_error", Op::kRename, 0, EIO}}) {
    SCOPED_TRACE(step.name);
    TestInstance t;
    t.sop_instance_uid = UniqueUid("3.");
    t.series_description = "first copy";
    Stored(t);
    t.series_description = "second copy";
    const int calls_before = faults_.Calls(step.op);
    faults_.FailOnce(step.op, step.skip, step.err);
    auto failed = Ingest(t);
    ASSERT_FALSE(failed.ok()) << "the fault was not hit";
    EXPECT_NE(failed.status().message().find("injected fault"), std::string::npos)
        << failed.status().ToString();
    EXPECT_EQ(faults_.Calls(step.op), calls_before + step.skip + 1);
    ArchiveAudit audit = Audit();
    EXPECT_TRUE(audit.Consistent()) << audit.Describe();
    EXPECT_EQ(probe_.Count("SELECT count(*) FROM instance_details WHERE sop_instance_uid = ?1 "
                           "AND series_description = 'first copy'",
                           {t.sop_instance_uid}),
              1);
    Stored(t);
    EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
  }
}

TEST_F(IngestFaultTest, AShortWriteIsRefusedAndLeavesNothing) {
  // A receive that stopped half-way (disk full while writing): the file in
  // .incoming is cut short in the middle of Pixel Data.
  TestInstance t;
  t.rows = 64;
  t.columns = 64;
  ingest::IngestRequest request;
  request.incoming_path = store_.NewIncomingPath();
  WriteTestInstance(request.incoming_path, t);
  fs::resize_file(request.incoming_path, fs::file_size(request.incoming_path) - 2000);
  auto failed = pipeline_->Ingest(request);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Status::Code::kCorruption) << failed.status().ToString();
  ArchiveAudit audit = Audit();
  EXPECT_TRUE(audit.Consistent()) << audit.Describe();
  EXPECT_EQ(audit.rows, 0);
}

TEST_F(IngestFaultTest, TemporaryFilesOfACrashAreRemovedButNotThoseOfALiveProcess) {
  const std::string dead = (store_.layout().IncomingDir() / "999999999-1-0.part").string();
  const std::string ours_before = store_.NewIncomingPath();  // this pid: a previous incarnation
  const std::string live =
      (store_.layout().IncomingDir() / (std::to_string(::getppid()) + "-1-0.part")).string();
  for (const std::string& path : {dead, ours_before, live}) std::ofstream(path) << "partial";
  auto removed = store_.Initialize();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 2);
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_FALSE(fs::exists(ours_before));
  EXPECT_TRUE(fs::exists(live)) << "an import running beside the server keeps its files";
}

}  // namespace
}  // namespace pixeldex::testing
