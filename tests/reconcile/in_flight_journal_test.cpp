// The in-flight journal (catalog/reconcile/in_flight_journal.h): what a
// crash leaves between FileStore::Commit and the rows, made by hand the way
// a kill leaves it, is reconciled by a server's start without a walk; the
// first start, and a start after the machine went down while serving, walk.
// On a shared archive (several nodes, each with its own incoming directory)
// a start reconciles only its own node's journal, and its walk leaves the
// files another node has in flight alone.

#include "catalog/reconcile/in_flight_journal.h"

#include <filesystem>
#include <fstream>

#include "tests/reconcile/archive_fixture.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

class InFlightJournalTest : public ArchiveFixture {
 protected:
  reconcile::ReconcileReport StartUp() {
    reconcile::ReconcileOptions options;
    options.use_journal = true;
    return Reconcile(options);
  }
  std::string RelativePathOf(const TestInstance& t) const {
    return store_.layout().RelativePathFor(t.study_uid, t.series_uid, t.sop_instance_uid);
  }
  // A received file of `t` in incoming, as a store leaves it before Commit.
  std::string Received(const TestInstance& t) {
    const std::string incoming = store_.NewIncomingPath();
    WriteTestInstance(incoming, t);
    return incoming;
  }
  // What a kill leaves after Commit and before the rows: the file in the
  // layout, its incoming name still there.
  std::string CommittedWithoutRows(const TestInstance& t) {
    const std::string incoming = Received(t);
    auto synced = store_.SyncIncoming(incoming);
    EXPECT_TRUE(synced.ok());
    EXPECT_TRUE(store_.Commit(*synced, RelativePathOf(t)).ok());
    return incoming;
  }
  // What a kill leaves between the link beside the target and the rename.
  std::string LinkedBesideTarget(const TestInstance& t) {
    const std::string incoming = Received(t);
    const fs::path beside =
        FileOf(storage::StorageLayout::CommittingRelativePath(RelativePathOf(t), incoming));
    fs::create_directories(beside.parent_path());
    fs::create_hard_link(incoming, beside);
    return beside.string();
  }
  // A file a person put into the layout: only a walk finds it.
  std::string PlacedByHand(const TestInstance& t) {
    const std::string path = FileOf(RelativePathOf(t));
    fs::create_directories(fs::path(path).parent_path());
    WriteTestInstance(path, t);
    return path;
  }
  long long RowsOf(const TestInstance& t) const {
    return probe_.Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?1",
                        {t.sop_instance_uid});
  }
  static TestInstance Fresh() {
    TestInstance t;
    t.sop_instance_uid = UniqueUid("3.");
    return t;
  }
};

TEST_F(InFlightJournalTest, TheFirstStartWalksAndMarksTheJournalComplete) {
  const TestInstance by_hand = Fresh();
  PlacedByHand(by_hand);
  EXPECT_FALSE(reconcile::JournalComplete(store_.layout()));
  const auto report = StartUp();
  EXPECT_TRUE(report.walked);
  EXPECT_EQ(RowsOf(by_hand), 1);
  EXPECT_TRUE(reconcile::JournalComplete(store_.layout()));
  EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
}

TEST_F(InFlightJournalTest, AStartCatalogsWhatWasInFlightAndNothingElse) {
  ASSERT_TRUE(reconcile::MarkJournalComplete(faults_, store_.layout()).ok());
  const TestInstance stored = Fresh(), in_flight = Fresh(), half_committed = Fresh(),
                     by_hand = Fresh();
  Stored(stored);
  const std::string entry = CommittedWithoutRows(in_flight);
  const std::string beside = LinkedBesideTarget(half_committed);
  PlacedByHand(by_hand);
  EXPECT_EQ(store_.JournalEntries().size(), 2u);

  const auto report = StartUp();
  EXPECT_FALSE(report.walked);
  EXPECT_EQ(report.journal_entries, 2);
  EXPECT_EQ(Count(report, import::FileResult::kImported), 1);
  EXPECT_EQ(probe_.Rows("SELECT source FROM instances WHERE sop_instance_uid = ?1",
                        {in_flight.sop_instance_uid}),
            (std::vector<Row>{{"reconcile"}}));
  // Never committed: neither cataloged nor left behind.
  EXPECT_EQ(RowsOf(half_committed), 0);
  EXPECT_FALSE(fs::exists(beside));
  EXPECT_TRUE(store_.JournalEntries().empty());
  EXPECT_FALSE(fs::exists(entry));
  // No walk: the file a person put there is not cataloged.
  EXPECT_EQ(RowsOf(by_hand), 0);
  const ArchiveAudit audit = Audit();
  EXPECT_TRUE(audit.temporary_files.empty()) << audit.Describe();
  EXPECT_EQ(audit.files_without_row, std::vector<std::string>{RelativePathOf(by_hand)});

  // A walk asked for finds it.
  reconcile::ReconcileOptions walk;
  walk.use_journal = true;
  walk.force_walk = true;
  EXPECT_TRUE(Reconcile(walk).walked);
  EXPECT_EQ(RowsOf(by_hand), 1);
}

TEST_F(InFlightJournalTest, AnEntryWhoseRowsWereCommittedIsFoundUnchanged) {
  ASSERT_TRUE(reconcile::MarkJournalComplete(faults_, store_.layout()).ok());
  const TestInstance t = Fresh();
  Stored(t);
  // A kill after the rows' commit, before the incoming name was removed (or
  // a power cut that brought it back): the entry names a cataloged file.
  const std::string relative = RelativePathOf(t);
  fs::create_hard_link(FileOf(relative), store_.NewIncomingPath());
  const auto report = StartUp();
  EXPECT_FALSE(report.walked);
  EXPECT_EQ(Count(report, import::FileResult::kUnchanged), 1);
  EXPECT_EQ(RowsOf(t), 1);
  EXPECT_TRUE(Audit().Consistent()) << Audit().Describe();
}

TEST_F(InFlightJournalTest, AnEntryThatCannotBeReadMakesTheStartWalk) {
  ASSERT_TRUE(reconcile::MarkJournalComplete(faults_, store_.layout()).ok());
  const TestInstance by_hand = Fresh();
  PlacedByHand(by_hand);
  const std::string entry = store_.NewIncomingPath();
  std::ofstream(entry) << "not a data set";
  fs::create_hard_link(entry, FileOf("somewhere.part"));
  const auto report = StartUp();
  EXPECT_TRUE(report.walked);
  EXPECT_EQ(RowsOf(by_hand), 1);
  EXPECT_TRUE(store_.JournalEntries().empty());
}

TEST_F(InFlightJournalTest, AStartAfterTheMachineWentDownWhileServingWalks) {
  ASSERT_TRUE(reconcile::MarkJournalComplete(faults_, store_.layout()).ok());
  const TestInstance by_hand = Fresh();
  PlacedByHand(by_hand);
  // What a power cut leaves: the mark of the boot that was serving.
  fs::create_directory(dir_.path() / "storage/.serving-of-another-boot");
  EXPECT_TRUE(reconcile::ServedAcrossAReboot(store_.layout()));
  EXPECT_TRUE(StartUp().walked);
  EXPECT_EQ(RowsOf(by_hand), 1);
  // Now served from this boot: a kill leaves this boot's mark, no walk.
  EXPECT_FALSE(fs::exists(dir_.path() / "storage/.serving-of-another-boot"));
  EXPECT_FALSE(reconcile::ServedAcrossAReboot(store_.layout()));
  EXPECT_FALSE(StartUp().walked);
  // A clean stop removes it.
  ASSERT_TRUE(reconcile::MarkStopped(faults_, store_.layout()).ok());
  for (const auto& entry : fs::directory_iterator(dir_.path() / "storage")) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".serving-")) << entry.path();
  }
  EXPECT_FALSE(StartUp().walked);
}

// Node A of an archive shared with node B (another machine: the pids in B's
// names mean nothing here), over the fixture's index.
class SharedArchiveJournalTest : public InFlightJournalTest {
 protected:
  void SetUp() override {
    InFlightJournalTest::SetUp();
    ASSERT_TRUE(node_a_.Initialize().ok());
    pipeline_a_ =
        std::make_unique<ingest::IngestPipeline>(node_a_, *writer_, ingest::IngestOptions{});
  }
  reconcile::ReconcileReport StartNodeA(bool walk) {
    reconcile::ReconcileOptions options;
    options.use_journal = true;
    options.force_walk = walk;
    options.shared_archive = true;
    options.jobs = 2;
    auto report = reconcile::Reconcile(*pipeline_a_, node_a_, *writer_, index_path_, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? std::move(report).value() : reconcile::ReconcileReport{};
  }
  // What node B has in flight: committed into the layout, rows not written
  // yet, its journal entry in B's incoming directory.
  std::string InFlightOnNodeB(const TestInstance& t) {
    const fs::path entry = node_b_dir_ / ("4242-1-0.part");
    fs::create_directories(node_b_dir_);
    WriteTestInstance(entry.string(), t);
    const fs::path target = FileOf(RelativePathOf(t));
    fs::create_directories(target.parent_path());
    fs::create_hard_link(entry, target);
    return entry.string();
  }
  // Node A's own in flight, as its kill left it.
  std::string InFlightOnNodeA(const TestInstance& t) {
    const std::string incoming = node_a_.NewIncomingPath();
    WriteTestInstance(incoming, t);
    auto synced = node_a_.SyncIncoming(incoming);
    EXPECT_TRUE(synced.ok());
    EXPECT_TRUE(node_a_.Commit(*synced, RelativePathOf(t)).ok());
    return incoming;
  }

  storage::FileStore node_a_{storage::StorageLayout(dir_.path() / "storage", "node-a"), faults_};
  const fs::path node_b_dir_ = dir_.path() / "storage/.incoming/node-b";
  std::unique_ptr<ingest::IngestPipeline> pipeline_a_;
};

TEST_F(SharedArchiveJournalTest, EachNodeReceivesIntoAndMarksItsOwnIncomingDirectory) {
  EXPECT_EQ(node_a_.layout().IncomingDir(), dir_.path() / "storage/.incoming/node-a");
  EXPECT_EQ(fs::path(node_a_.NewIncomingPath()).parent_path(), node_a_.layout().IncomingDir());
  // B's file being received is not A's to clean.
  fs::create_directories(node_b_dir_);
  std::ofstream(node_b_dir_ / "4242-1-1.part") << "half received";
  EXPECT_EQ(*node_a_.Initialize(), 0);
  EXPECT_TRUE(fs::exists(node_b_dir_ / "4242-1-1.part"));
  StartNodeA(false);
  // Served marks are per node too: A's start leaves B's mark alone.
  fs::create_directory(node_b_dir_ / ".serving-of-another-boot");
  EXPECT_FALSE(reconcile::ServedAcrossAReboot(node_a_.layout()));
  ASSERT_TRUE(reconcile::MarkServing(faults_, node_a_.layout()).ok());
  EXPECT_TRUE(fs::exists(node_b_dir_ / ".serving-of-another-boot"));
  bool a_marked = false;
  for (const auto& entry : fs::directory_iterator(node_a_.layout().IncomingDir())) {
    a_marked = a_marked || entry.path().filename().string().starts_with(".serving-");
  }
  EXPECT_TRUE(a_marked);
  EXPECT_EQ(storage::StorageLayout::NodeComponent(".a/../b c"), "_a_.._b_c");
}

// Node A's start from its journal (false) or walking the tree (true).
class SharedArchiveStartTest : public SharedArchiveJournalTest,
                               public ::testing::WithParamInterface<bool> {};

TEST_P(SharedArchiveStartTest, CatalogsItsOwnInFlightFilesNotAnotherNodes) {
  const bool walk = GetParam();
  ASSERT_TRUE(reconcile::MarkJournalComplete(faults_, store_.layout()).ok());
  const TestInstance mine = Fresh(), theirs = Fresh();
  const std::string my_entry = InFlightOnNodeA(mine);
  const std::string their_entry = InFlightOnNodeB(theirs);

  const auto report = StartNodeA(walk);
  EXPECT_EQ(report.walked, walk);
  EXPECT_EQ(report.journal_entries, 1);
  EXPECT_EQ(probe_.Rows("SELECT source FROM instances WHERE sop_instance_uid = ?1",
                        {mine.sop_instance_uid}),
            (std::vector<Row>{{"reconcile"}}));
  EXPECT_FALSE(fs::exists(my_entry));
  // B's file is B's: neither cataloged (B writes its rows) nor removed.
  EXPECT_EQ(RowsOf(theirs), 0);
  EXPECT_TRUE(fs::exists(their_entry));
  EXPECT_TRUE(fs::exists(FileOf(RelativePathOf(theirs))));
  EXPECT_EQ(fs::hard_link_count(their_entry), 2u);
}

INSTANTIATE_TEST_SUITE_P(JournalAndWalk, SharedArchiveStartTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Walk" : "Journal";
                         });

}  // namespace
}  // namespace pixeldex::testing
