// `pixeldex thumbnail`, `thumbnails` and `export` on a real PostgreSQL index
// (issue 18), the real binary: the SQLite cases of thumbnail_cases.h and the
// export_*_cases.h headers, run on PostgreSQL with the same assertions; and
// an export and a thumbnail rebuild beside a node that stores through the
// same database at the same time.

#include <future>

#include "tests/e2e/thumbnail_cases.h"
#include "tests/export/export_cases.h"
#include "tests/export/export_clean_descriptors_cases.h"
#include "tests/export/export_dciodvfy_cases.h"
#include "tests/export/export_deidentify_cases.h"
#include "tests/export/export_dicomdir_cases.h"
#include "tests/export/export_render_cases.h"
#include "tests/export/export_to_cases.h"
#include "tests/support/server_process.h"

namespace pixeldex::testing {

namespace thumbnail_cases {
INSTANTIATE_TEST_SUITE_P(Postgres, ThumbnailE2eTest, ::testing::Values(IndexKind::kPostgres));
INSTANTIATE_TEST_SUITE_P(Postgres, NoThumbnailsE2eTest, ::testing::Values(IndexKind::kPostgres));
}  // namespace thumbnail_cases

INSTANTIATE_TEST_SUITE_P(Postgres, ExportTest, ::testing::Values(IndexKind::kPostgres));
INSTANTIATE_TEST_SUITE_P(Postgres, DeidentifyTest, ::testing::Values(IndexKind::kPostgres));
INSTANTIATE_TEST_SUITE_P(Postgres, DeidentifyEncapsulatedTest,
                         ::testing::Values(IndexKind::kPostgres));
INSTANTIATE_TEST_SUITE_P(Postgres, CleanDescriptorsTest, ::testing::Values(IndexKind::kPostgres));
INSTANTIATE_TEST_SUITE_P(Postgres, DciodvfyTest, ::testing::Values(IndexKind::kPostgres));
INSTANTIATE_TEST_SUITE_P(Postgres, ExportDicomDirTest, ::testing::Values(IndexKind::kPostgres));
INSTANTIATE_TEST_SUITE_P(Postgres, RenderTest, ::testing::Values(IndexKind::kPostgres));
INSTANTIATE_TEST_SUITE_P(Postgres, ExportToTest, ::testing::Values(IndexKind::kPostgres));

namespace {

// The archive of ArchiveTest on PostgreSQL, with a node serving it.
class PgExportBesideANodeTest : public ArchiveTest {};

TEST_P(PgExportBesideANodeTest, ExportAndThumbnailsRunWhileTheNodeStores) {
  Import(TwoCtsAndAnMr("PID-N", "1.2.826.0.1.3680043.10.1234.941"));  // without thumbnails
  const std::string storage = archive_.Path("storage");
  auto node = ServerProcess::Start({storage, archive_.index_path(), archive_.Path("node.log")});
  // Another study, pushed through the node while the commands run.
  std::vector<std::string> push = {"storescu", "-aet",      "MODALITY",         "-aec",
                                   "PIXELDEX", "127.0.0.1", node->port_string()};
  TestInstance pushed;
  pushed.patient_id = "PID-PUSHED";
  pushed.study_uid = "1.2.826.0.1.3680043.10.1234.942";
  pushed.series_uid = pushed.study_uid + ".1";
  constexpr int kPushed = 40;
  for (int i = 0; i < kPushed; ++i) {
    pushed.sop_instance_uid = pushed.series_uid + "." + std::to_string(i + 1);
    pushed.instance_number = i + 1;
    push.push_back(archive_.Path("push" + std::to_string(i) + ".dcm"));
    WriteTestInstance(push.back(), pushed);
  }
  auto storing = std::async(std::launch::async, [&] { return RunProcess(push, FastClientEnv()); });

  const std::string out = archive_.Path("out");
  const ProcessResult exported = archive_.Export({"--where", "patient_id = 'PID-N'", "--out", out});
  const ProcessResult rendered = RunProcess(
      {PIXELDEX_BINARY, "thumbnails", "--storage", storage, "--index", archive_.index_path()});
  const ProcessResult stored = storing.get();
  ASSERT_EQ(stored.exit_code, 0) << stored.output << node->Log();

  EXPECT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_NE(exported.output.find("3 selected, 3 written"), std::string::npos) << exported.output;
  for (size_t i = 0; i < instances_.size(); ++i) {
    const std::string file = out + "/" + instances_[i].study_uid + "/" + instances_[i].series_uid +
                             "/" + instances_[i].sop_instance_uid + ".dcm";
    EXPECT_TRUE(ReadFileBytes(file) == ReadFileBytes(archive_.SourceFile(i))) << file;
  }
  // The imported instances had none; the node's get theirs inline.
  EXPECT_EQ(rendered.exit_code, 0) << rendered.output;
  EXPECT_NE(rendered.output.find("thumbnails: 3 rendered, 0 failed, 0 skipped"), std::string::npos)
      << rendered.output;
  const IndexProbe index(archive_.index_path());
  EXPECT_EQ(index.Count("SELECT count(*) FROM instances"), 3 + kPushed);
  EXPECT_EQ(index.Count("SELECT count(*) FROM thumbnails WHERE status = 'ok' AND "
                        "length(png) > 0"),
            3 + kPushed);
  EXPECT_EQ(node->Stop(), 0) << node->Log();
}

INSTANTIATE_TEST_SUITE_P(Postgres, PgExportBesideANodeTest,
                         ::testing::Values(IndexKind::kPostgres));

}  // namespace
}  // namespace pixeldex::testing
