// Delete, protect, DICOMweb DELETE, recycling and retention on a real
// PostgreSQL index (issue 18), the real binary: the SQLite cases of
// delete_cases.h, dicomweb_delete_cases.h and recycling_cases.h, run on
// PostgreSQL with the same assertions; and two nodes on one storage root and
// one database: a study deleted through one node is gone for the other
// (C-FIND and QIDO-RS find nothing, no file is left), and the two nodes'
// retention timers delete each old instance once (one event each).

#include <dcmtk/dcmdata/dcdeftag.h>

#include "tests/e2e/dicomweb_delete_cases.h"
#include "tests/e2e/recycling_cases.h"
#include "tests/export/delete_cases.h"
#include "tests/support/archive_audit.h"

namespace pixeldex::testing {

INSTANTIATE_TEST_SUITE_P(Postgres, DeleteTest, ::testing::Values(IndexKind::kPostgres));
INSTANTIATE_TEST_SUITE_P(Postgres, ProtectedDeleteTest, ::testing::Values(IndexKind::kPostgres));
INSTANTIATE_TEST_SUITE_P(Postgres, DicomwebDeleteE2eTest, ::testing::Values(IndexKind::kPostgres));
INSTANTIATE_TEST_SUITE_P(Postgres, DicomwebDeleteProtectedE2eTest,
                         ::testing::Values(IndexKind::kPostgres));
INSTANTIATE_TEST_SUITE_P(Postgres, SizeLimitE2eTest, ::testing::Values(IndexKind::kPostgres));
INSTANTIATE_TEST_SUITE_P(Postgres, RecyclingE2eTest, ::testing::Values(IndexKind::kPostgres));
INSTANTIATE_TEST_SUITE_P(Postgres, RetentionTimerE2eTest,
                         ::testing::Values(IndexKind::kPostgres));

namespace {

// Two `pixeldex serve` nodes on one storage root and one PostgreSQL
// database, each with HTTP and the test users, and `extra` arguments.
class PgTwoNodesLifecycleTest : public ::testing::Test {
 protected:
  void StartNodes(const std::vector<std::string>& extra = {}) {
    for (const char* name : {"a", "b"}) {
      ServerProcess::Options options;
      options.storage = storage_;
      options.index = index_.location();
      options.log_file = dir_ / (std::string(name) + ".log");
      options.extra_args = {"--http", "127.0.0.1:0", "--set", UsersSetting()};
      options.extra_args.insert(options.extra_args.end(), extra.begin(), extra.end());
      nodes_.push_back(ServerProcess::Start(options));
    }
  }

  // A study of `count` instances in one series, stored through `node`;
  // returns its UID.
  std::string StoreStudy(const ServerProcess& node, int count) {
    TestInstance t;
    t.study_uid = UniqueUid("1.");
    t.series_uid = UniqueUid("2.");
    std::vector<std::string> argv = {"storescu", "-aet",      "MODALITY",         "-aec",
                                     "PIXELDEX", "127.0.0.1", node.port_string()};
    for (int i = 0; i < count; ++i) {
      t.sop_instance_uid = UniqueUid("3.");
      t.instance_number = i + 1;
      argv.push_back(dir_ / ("i" + std::to_string(++made_) + ".dcm"));
      WriteTestInstance(argv.back(), t);
    }
    const ProcessResult r = RunProcess(argv, FastClientEnv());
    EXPECT_EQ(r.exit_code, 0) << r.output << node.Log();
    return t.study_uid;
  }

  // The SOP Instance UIDs an IMAGE-level C-FIND of the study through `node` answers.
  std::set<std::string> FoundThrough(const ServerProcess& node, const std::string& study) {
    return ResponseValues(FindScu(node, dir_ / ("find" + std::to_string(++finds_)),
                                  {"-S", "-k", "QueryRetrieveLevel=IMAGE", "-k",
                                   "StudyInstanceUID=" + study, "-k", "SOPInstanceUID"}),
                          DCM_SOPInstanceUID);
  }

  // The files below the storage root, outside the nodes' incoming folders.
  size_t StoredFiles() const {
    size_t files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(storage_)) {
      const std::string relative =
          std::filesystem::relative(entry.path(), storage_).generic_string();
      if (entry.is_regular_file() && !relative.starts_with(".incoming/")) ++files;
    }
    return files;
  }

  TempDir dir_;
  TestIndex index_{IndexKind::kPostgres, ""};
  const std::string storage_ = dir_ / "storage";
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
  int made_ = 0;
  int finds_ = 0;
};

TEST_F(PgTwoNodesLifecycleTest, AStudyDeletedThroughOneNodeIsGoneForTheOther) {
  StartNodes();
  const ServerProcess& a = *nodes_[0];
  const ServerProcess& b = *nodes_[1];
  const std::string gone = StoreStudy(a, 3), kept = StoreStudy(b, 1);
  ASSERT_EQ(FoundThrough(b, gone).size(), 3u) << b.Log();
  ASSERT_EQ(StoredFiles(), 4u);

  const HttpReply deleted =
      HttpRequest(a.http_port(), "DELETE", "/dicom-web/studies/" + gone,
                  {"Authorization: " + BasicAuthorization("alice", "wonderland")});
  EXPECT_EQ(deleted.status, 204) << deleted.body << a.Log();
  // The other node: C-FIND and QIDO-RS find nothing of it at once.
  EXPECT_TRUE(FoundThrough(b, gone).empty()) << b.Log();
  const HttpReply qido =
      HttpRequest(b.http_port(), "GET", "/dicom-web/studies?StudyInstanceUID=" + gone,
                  {"Authorization: " + BasicAuthorization("bob", "builder")});
  EXPECT_TRUE(qido.status == 204 || qido.body == "[]") << qido.status << qido.body;
  // Its DELETE of the same study finds nothing either.
  EXPECT_EQ(HttpRequest(b.http_port(), "DELETE", "/dicom-web/studies/" + gone,
                        {"Authorization: " + BasicAuthorization("alice", "wonderland")})
                .status,
            404);
  EXPECT_EQ(FoundThrough(a, kept).size(), 1u);
  // No file left of it, none in .deleting/, and files and rows agree.
  EXPECT_EQ(StoredFiles(), 1u);
  IndexProbe index(index_.location());
  EXPECT_EQ(index.Count("SELECT count(*) FROM events WHERE kind = 'deleted'"), 3);
  for (const auto& node : nodes_) EXPECT_EQ(node->Stop(), 0) << node->Log();
  const ArchiveAudit audit = AuditArchive(storage_, index_.location());
  EXPECT_TRUE(audit.Consistent()) << audit.Describe();
  const ProcessResult check = PixeldexOnArchive(storage_, index_.location(), "check");
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST_F(PgTwoNodesLifecycleTest, TwoRetentionTimersDeleteEachOldInstanceOnce) {
  StartNodes({"--set", "retention.max_age_days=365", "--set", "retention.interval_seconds=1"});
  const std::string old_study = StoreStudy(*nodes_[0], 3), other_old = StoreStudy(*nodes_[1], 2);
  index_.Exec("UPDATE instances SET received_at = '" + ReceivedDaysAgo(400) + "'");
  // Whichever node's pass takes the turn logs the study; the other's finds
  // nothing left (or skips while the pass runs).
  for (const std::string& study : {old_study, other_old}) {
    const std::string line = "recycled study " + study;
    bool seen = false;
    for (int round = 0; round < 300 && !seen; ++round) {
      seen = nodes_[0]->WaitForLog(line, 100) || nodes_[1]->WaitForLog(line, 100);
    }
    ASSERT_TRUE(seen) << nodes_[0]->Log() << nodes_[1]->Log();
  }
  for (const auto& node : nodes_) EXPECT_EQ(node->Stop(), 0) << node->Log();
  IndexProbe index(index_.location());
  EXPECT_EQ(index.Count("SELECT count(*) FROM instances"), 0);
  // One event per instance: no instance deleted twice.
  EXPECT_EQ(index.Count("SELECT count(*) FROM events WHERE kind = 'deleted' AND "
                        "detail = 'recycling (retention.max_age_days 365)'"),
            5);
  EXPECT_EQ(index.Count("SELECT count(DISTINCT sop_instance_uid) FROM events WHERE kind = "
                        "'deleted'"),
            5);
  EXPECT_EQ(StoredFiles(), 0u);
  // Each study was recycled by one node only.
  const std::string logs = nodes_[0]->Log() + nodes_[1]->Log();
  for (const std::string& study : {old_study, other_old}) {
    const std::string line = "recycled study " + study;
    EXPECT_EQ(logs.find(line), logs.rfind(line)) << logs;
  }
}

}  // namespace
}  // namespace pixeldex::testing
