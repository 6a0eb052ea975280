// CheckArchive: missing, extra, mismatched and unreadable files are found,
// and a consistent archive yields no finding.

#include "catalog/reconcile/archive_checker.h"

#include <filesystem>
#include <fstream>

#include "tests/reconcile/archive_fixture.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;
using reconcile::Problem;

class ArchiveCheckerTest : public ArchiveFixture {
 protected:
  reconcile::CheckReport Check() {
    auto report = reconcile::CheckArchive(store_.layout(), index_path_);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? std::move(report).value() : reconcile::CheckReport{};
  }
  // "problem sop path" per finding.
  static std::vector<std::string> Summary(const reconcile::CheckReport& report) {
    std::vector<std::string> out;
    for (const auto& f : report.findings) {
      out.push_back(std::string(reconcile::ProblemName(f.problem)) + " " + f.sop_instance_uid +
                    " " + f.path);
    }
    return out;
  }
};

TEST_F(ArchiveCheckerTest, AConsistentArchiveHasNoFindings) {
  TestInstance a, b;
  b.sop_instance_uid = UniqueUid("3.");
  Stored(a);
  Stored(b);
  const auto report = Check();
  EXPECT_TRUE(report.findings.empty()) << ::testing::PrintToString(Summary(report));
  EXPECT_EQ(report.files, 2);
  EXPECT_EQ(report.rows, 2);
  EXPECT_EQ(report.bytes_hashed, probe_.Count("SELECT sum(size_bytes) FROM instances"));
}

TEST_F(ArchiveCheckerTest, FindsMissingExtraAndMismatchedFiles) {
  TestInstance gone, changed, fine;
  gone.sop_instance_uid = UniqueUid("3.");
  changed.sop_instance_uid = UniqueUid("3.");
  fine.sop_instance_uid = UniqueUid("3.");
  const std::string gone_path = Stored(gone);
  const std::string changed_path = Stored(changed);
  Stored(fine);
  fs::remove(FileOf(gone_path));
  {
    // One flipped byte near the end: same size, other content (bit rot).
    std::fstream f(FileOf(changed_path), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-3, std::ios::end);
    f.put('\x5a');
  }
  TestInstance stray;  // an instance nobody cataloged
  stray.sop_instance_uid = UniqueUid("3.");
  WriteTestInstance(FileOf("stray.dcm"), stray);
  std::ofstream(FileOf(".incoming/receiving.part")) << "being received: not a finding";

  const auto report = Check();
  // In walk order (a directory's files before its subdirectories), then rows.
  EXPECT_EQ(Summary(report), (std::vector<std::string>{
                                 "extra  stray.dcm",
                                 "mismatch " + changed.sop_instance_uid + " " + changed_path,
                                 "missing " + gone.sop_instance_uid + " " + gone_path,
                             }));
  EXPECT_EQ(report.files, 3);
  EXPECT_EQ(report.rows, 3);
  for (const auto& f : report.findings) {
    if (f.problem == Problem::kMismatch) {
      EXPECT_NE(
          f.detail.find(probe_.Scalar("SELECT sha256 FROM instances WHERE sop_instance_uid = ?1",
                                      {changed.sop_instance_uid})),
          std::string::npos)
          << f.detail;
    }
  }
}

TEST_F(ArchiveCheckerTest, FilesCatalogedInPlaceOutsideTheRootAreCheckedThroughTheirRows) {
  const std::string outside = dir_ / "outside.dcm";
  WriteTestInstance(outside, TestInstance{});
  ingest::IngestRequest request;
  request.incoming_path = outside;
  request.in_place = true;
  request.provenance.source = ProvenanceSource::kImport;
  ASSERT_TRUE(pipeline_->Ingest(request).ok());
  const auto report = Check();
  EXPECT_TRUE(report.findings.empty());
  EXPECT_EQ(report.files, 0);
  EXPECT_EQ(report.rows, 1);
  EXPECT_EQ(report.rows_outside_root, 1);
  EXPECT_EQ(report.bytes_hashed, static_cast<int64_t>(fs::file_size(outside)));
  fs::remove(outside);
  EXPECT_EQ(
      Summary(Check()),
      (std::vector<std::string>{"missing " + TestInstance{}.sop_instance_uid + " " + outside}));
}

TEST_F(ArchiveCheckerTest, ReindexRepairsWhatCheckFinds) {
  TestInstance gone, changed;
  gone.sop_instance_uid = UniqueUid("3.");
  changed.sop_instance_uid = UniqueUid("3.");
  fs::remove(FileOf(Stored(gone)));
  const std::string changed_path = Stored(changed);
  changed.series_description = "edited in place";
  WriteTestInstance(FileOf(changed_path), changed);
  ASSERT_EQ(Check().findings.size(), 2u);

  // reindex removes the missing file's rows; the changed content is reported,
  // not blessed, until a person accepts it.
  reconcile::ReconcileOptions reindex;
  reindex.recatalog_all = true;
  reindex.remove_missing_rows = true;
  Reconcile(reindex);
  EXPECT_EQ(Summary(Check()), (std::vector<std::string>{"mismatch " + changed.sop_instance_uid +
                                                        " " + changed_path}));
  reindex.accept_changed = true;
  Reconcile(reindex);
  EXPECT_TRUE(Check().findings.empty()) << ::testing::PrintToString(Summary(Check()));
}

TEST_F(ArchiveCheckerTest, ForeignFilesAreWarningsNotProblems) {
  Stored(TestInstance{});
  std::ofstream(FileOf("notes.txt")) << "notes about this archive";
  // A CD's DICOMDIR copied into the tree (its instances are not).
  fs::create_directories(dir_ / "cd");
  fs::copy_file(WriteCdFolder(dir_ / "cd", 1), FileOf("DICOMDIR"));
  const auto report = Check();
  EXPECT_EQ(Summary(report), (std::vector<std::string>{"foreign  DICOMDIR", "foreign  notes.txt"}));
  for (const auto& f : report.findings) {
    EXPECT_TRUE(reconcile::IsWarning(f.problem));
    EXPECT_EQ(f.detail, f.path == "DICOMDIR" ? "not an instance: DICOMDIR" : "not DICOM");
  }
}

}  // namespace
}  // namespace pixeldex::testing
