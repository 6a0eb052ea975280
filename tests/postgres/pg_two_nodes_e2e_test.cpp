// Several nodes, one archive (issue 18), end to end: two `pixeldex serve`
// processes on one storage root and one PostgreSQL database. storescu pushes
// a distinct half of a study to each node, and a shared part to both at the
// same moment (the same SOP Instance UIDs, byte for byte); every push
// succeeds the first time, though the nodes' transactions may deadlock (the
// writer retries the one that lost). Under each duplicates policy that
// accepts both pushes (keep, replace), the archive then holds exactly one
// row set and one file per SOP Instance UID (the audit and `pixeldex
// check`), and C-FIND through each node finds every instance (PS3.4 C.6.2,
// Study Root, IMAGE level) and counts them at the STUDY level.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/archive_audit.h"
#include "tests/support/index_probe.h"
#include "tests/support/postgres_server.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kHalf = 15;
constexpr int kShared = 40;

class PgTwoNodesE2eTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    for (const char* name : {"a", "b"}) {
      ServerProcess::Options options;
      options.storage = storage_;
      options.index = postgres_.Uri();
      options.log_file = dir_ / (std::string(name) + ".log");
      options.extra_args = {"--set", std::string("storage.duplicates=") + GetParam()};
      nodes_.push_back(ServerProcess::Start(options));
    }
  }

  // `count` instances of the one study and series, written for `name`.
  std::vector<std::string> MakeFiles(const std::string& name, int count) {
    std::vector<std::string> files;
    for (int i = 0; i < count; ++i) {
      TestInstance t;
      t.study_uid = study_uid_;
      t.series_uid = series_uid_;
      t.sop_instance_uid = UniqueUid("3.");
      t.instance_number = static_cast<int>(uids_.size()) + 1;
      uids_.insert(t.sop_instance_uid);
      files.push_back(dir_ / (name + "-" + std::to_string(i) + ".dcm"));
      WriteTestInstance(files.back(), t);
    }
    return files;
  }

  ProcessResult StoreScu(const ServerProcess& node, const std::vector<std::string>& files) {
    std::vector<std::string> argv = {"storescu", "-aet",      "MODALITY",         "-aec",
                                     "PIXELDEX", "127.0.0.1", node.port_string()};
    argv.insert(argv.end(), files.begin(), files.end());
    return RunProcess(argv, FastClientEnv());
  }

  TempDir dir_;
  PostgresServer postgres_;
  const std::string storage_ = dir_ / "storage";
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
  const std::string study_uid_ = UniqueUid("1.");
  const std::string series_uid_ = UniqueUid("2.");
  std::set<std::string> uids_;
};

TEST_P(PgTwoNodesE2eTest, TheSameInstancesPushedToBothNodesAtOnceEndAsOneCopyEach) {
  const std::vector<std::vector<std::string>> halves = {MakeFiles("a", kHalf),
                                                        MakeFiles("b", kHalf)};
  const std::vector<std::string> shared = MakeFiles("shared", kShared);
  // Each node gets its half, and the shared part at the same moment as the
  // other node (two storescu each, all four running at once).
  std::vector<ProcessResult> results(4);
  std::vector<std::thread> pushes;
  for (size_t n = 0; n < 2; ++n) {
    pushes.emplace_back([&, n] { results[2 * n] = StoreScu(*nodes_[n], halves[n]); });
    pushes.emplace_back([&, n] { results[2 * n + 1] = StoreScu(*nodes_[n], shared); });
  }
  for (std::thread& t : pushes) t.join();
  // Two nodes' group commits that upsert the same study's rows may deadlock
  // in PostgreSQL; the writer runs the store that lost again in a new
  // transaction (index_writer.h), so no push is refused.
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].exit_code, 0) << "push " << i << ": " << results[i].output
                                       << nodes_[i / 2]->Log();
  }

  for (const auto& node : nodes_) {
    SCOPED_TRACE("node on port " + node->port_string());
    const auto images = FindScu(*node, dir_ / ("images-" + node->port_string()),
                                {"-S", "-k", "QueryRetrieveLevel=IMAGE", "-k",
                                 "StudyInstanceUID=" + study_uid_, "-k",
                                 "SeriesInstanceUID=" + series_uid_, "-k", "SOPInstanceUID"});
    EXPECT_EQ(ResponseValues(images, DCM_SOPInstanceUID), uids_) << node->Log();
    const auto studies = FindScu(*node, dir_ / ("studies-" + node->port_string()),
                                 {"-S", "-k", "QueryRetrieveLevel=STUDY", "-k",
                                  "StudyInstanceUID=" + study_uid_, "-k",
                                  "NumberOfStudyRelatedInstances"});
    EXPECT_EQ(ResponseValues(studies, DCM_NumberOfStudyRelatedInstances),
              std::set<std::string>{std::to_string(uids_.size())});
  }

  for (const auto& node : nodes_) EXPECT_EQ(node->Stop(), 0) << node->Log();
  // One row set and one file per SOP Instance UID.
  IndexProbe index(postgres_.Uri());
  EXPECT_EQ(index.Count("SELECT count(*) FROM instances"), static_cast<long long>(uids_.size()));
  EXPECT_EQ(index.Count("SELECT count(DISTINCT sop_instance_uid) FROM instances"),
            static_cast<long long>(uids_.size()));
  EXPECT_EQ(index.Count("SELECT count(*) FROM series"), 1);
  EXPECT_EQ(index.Count("SELECT count(*) FROM studies"), 1);
  EXPECT_EQ(index.Count("SELECT count(*) FROM patients"), 1);
  const ArchiveAudit audit = AuditArchive(storage_, postgres_.Uri());
  EXPECT_TRUE(audit.Consistent()) << audit.Describe();
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(storage_)) {
    const std::string relative = fs::relative(entry.path(), storage_).generic_string();
    if (entry.is_regular_file() && !relative.starts_with(".incoming/")) ++files;
  }
  EXPECT_EQ(files, uids_.size());
  const ProcessResult check =
      RunProcess({PIXELDEX_BINARY, "check", "--storage", storage_, "--index", postgres_.Uri()});
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

INSTANTIATE_TEST_SUITE_P(Duplicates, PgTwoNodesE2eTest, ::testing::Values("keep", "replace"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param);
                         });

}  // namespace
}  // namespace pixeldex::testing
