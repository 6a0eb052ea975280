// `pixeldex import`, the real binary: usage, summary and exit codes, and the
// promise of one ingest path: a folder imported and the same files sent by
// storescu give the same rows, headers and thumbnails.

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <thread>

#include "tests/import/import_corpus.h"
#include "tests/support/index_probe.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

class ImportCommandTest : public ::testing::Test {
 protected:
  // `pixeldex import` into the archive `name` in the temp dir.
  ProcessResult Import(const std::string& archive, std::vector<std::string> args) const {
    std::vector<std::string> argv = {PIXELDEX_BINARY, "import",
                                     "--storage",     dir_ / (archive + "/storage"),
                                     "--index",       dir_ / (archive + "/index.db")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  }
  IndexProbe Index(const std::string& archive) const {
    return IndexProbe(dir_ / (archive + "/index.db"));
  }
  static long long Count(const std::string& output, const std::string& label) {
    std::smatch m;
    if (!std::regex_search(output, m, std::regex("\n  " + label + " +([0-9]+)\n"))) return -1;
    return std::stoll(m[1]);
  }

  TempDir dir_;
  const std::string source_ = dir_ / "export";
};

TEST_F(ImportCommandTest, HelpAndUsageErrors) {
  auto help = RunProcess({PIXELDEX_BINARY, "import", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* text : {"--in-place", "--follow-symlinks", "--jobs N", "--no-thumbnails",
                           "exit status:", "skipped"}) {
    EXPECT_NE(help.output.find(text), std::string::npos) << text;
  }
  EXPECT_EQ(Import("a", {}).exit_code, 2);
  EXPECT_EQ(Import("a", {dir_ / "missing"}).exit_code, 2);
  fs::create_directories(source_);
  EXPECT_EQ(Import("a", {"--jobs", "0", source_}).exit_code, 2);
  EXPECT_EQ(Import("a", {"--jobs", "two", source_}).exit_code, 2);
  EXPECT_EQ(Import("a", {"--frobnicate", source_}).exit_code, 2);
  EXPECT_FALSE(fs::exists(dir_ / "a/index.db")) << "usage errors touch nothing";
}

TEST_F(ImportCommandTest, SummaryCountsAndExitCodes) {
  const ImportCorpus corpus = MakeImportCorpus(source_);
  auto first = Import("a", {"--jobs", "3", source_});
  EXPECT_EQ(first.exit_code, 1) << first.output;  // three broken files
  EXPECT_EQ(Count(first.output, "imported"), 24) << first.output;
  EXPECT_EQ(Count(first.output, "not DICOM"), 4) << first.output;
  EXPECT_EQ(Count(first.output, "failed"), 3) << first.output;
  for (const std::string& broken : corpus.broken) {
    EXPECT_NE(first.output.find("\n  " + broken + ": "), std::string::npos) << first.output;
  }
  EXPECT_EQ(first.output.find('\r'), std::string::npos) << "no progress line when piped";
  EXPECT_EQ(Index("a").Count("SELECT count(*) FROM instances WHERE source = 'import'"), 24);

  for (const std::string& broken : corpus.broken) fs::remove(broken);
  auto again = Import("a", {source_});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(Count(again.output, "skipped unchanged"), 24) << again.output;
  EXPECT_EQ(Count(again.output, "imported"), 0) << again.output;
}

TEST_F(ImportCommandTest, NoThumbnailsFlagIsHonoured) {
  CorpusShape shape;
  shape.add_broken = false;
  MakeImportCorpus(source_, shape);
  ASSERT_EQ(Import("a", {"--no-thumbnails", source_}).exit_code, 0);
  EXPECT_EQ(Index("a").Count("SELECT count(*) FROM thumbnails WHERE status = 'disabled'"), 24);
}

TEST_F(ImportCommandTest, ACdFolderWithItsDicomdirImportsCleanly) {
  // Before: the DICOMDIR counted as "failed: missing SOP Class UID", exit 1.
  fs::create_directories(source_);
  pixeldex::testing::WriteCdFolder(source_, 2);
  auto imported = Import("a", {source_});
  EXPECT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_EQ(Count(imported.output, "imported"), 2) << imported.output;
  EXPECT_EQ(Count(imported.output, "not an instance"), 1) << imported.output;
  EXPECT_EQ(Count(imported.output, "failed"), 0) << imported.output;
  EXPECT_EQ(Index("a").Count("SELECT count(*) FROM events WHERE kind = 'import_failed'"), 0);
}

// Everything the index says about an instance, minus the facts of reception
// (when, from whom, by which path) and the File Meta dependent file facts.
const char* kComparableRows =
    "SELECT d.sop_instance_uid, d.sop_class_uid, d.instance_number, d.transfer_syntax_uid, "
    "d.rows, d.columns, d.number_of_frames, d.series_instance_uid, d.modality, d.series_number, "
    "d.series_description, d.body_part_examined, d.manufacturer, d.study_instance_uid, "
    "d.study_date, d.study_time, d.accession_number, d.study_id, d.study_description, "
    "d.patient_id, d.patient_name, d.patient_birth_date, d.patient_sex, "
    "i.content_date, i.content_time, i.specific_character_set, h.json, "
    "t.status, t.width, t.height, hex(t.png) "
    "FROM instance_details d JOIN instances i USING (instance_pk) "
    "JOIN headers h USING (instance_pk) JOIN thumbnails t USING (instance_pk) "
    "ORDER BY d.sop_instance_uid";

TEST_F(ImportCommandTest, ImportedAndReceivedInstancesGiveTheSameRows) {
  CorpusShape shape;
  shape.add_broken = false;
  const ImportCorpus corpus = MakeImportCorpus(source_, shape);

  auto copied = Import("copied", {source_});
  ASSERT_EQ(copied.exit_code, 0) << copied.output;
  auto in_place = Import("in_place", {"--in-place", source_});
  ASSERT_EQ(in_place.exit_code, 0) << in_place.output;

  ServerProcess::Options options;
  options.storage = dir_ / "received/storage";
  options.index = dir_ / "received/index.db";
  options.log_file = dir_ / "server.log";
  auto server = ServerProcess::Start(options);
  std::vector<std::string> argv = {"storescu", "-aet",      "MODALITY",           "-aec",
                                   "PIXELDEX", "127.0.0.1", server->port_string()};
  argv.insert(argv.end(), corpus.paths.begin(), corpus.paths.end());
  auto sent = RunProcess(argv, FastClientEnv());
  ASSERT_EQ(sent.exit_code, 0) << sent.output << server->Log();
  EXPECT_EQ(server->Stop(), 0);

  const auto received = Index("received").Rows(kComparableRows);
  ASSERT_EQ(received.size(), corpus.instances.size());
  EXPECT_EQ(Index("copied").Rows(kComparableRows), received);
  EXPECT_EQ(Index("in_place").Rows(kComparableRows), received);
  // The layout path is the same whichever way a copy arrived.
  EXPECT_EQ(Index("copied").Rows("SELECT sop_instance_uid, path FROM instances ORDER BY 1"),
            Index("received").Rows("SELECT sop_instance_uid, path FROM instances ORDER BY 1"));
}

TEST_F(ImportCommandTest, ImportsWhileTheServerWritesTheSameIndex) {
  CorpusShape shape;
  shape.add_broken = false;
  shape.add_not_dicom = false;
  MakeImportCorpus(source_, shape);
  const ImportCorpus sent_corpus = MakeImportCorpus(dir_ / "sent", shape);

  ServerProcess::Options options;
  options.storage = dir_ / "a/storage";
  options.index = dir_ / "a/index.db";
  options.log_file = dir_ / "server.log";
  auto server = ServerProcess::Start(options);
  ProcessResult imported;
  std::thread importer([&] { imported = Import("a", {"--jobs", "4", source_}); });
  std::vector<std::string> argv = {"storescu", "-aet",      "MODALITY",           "-aec",
                                   "PIXELDEX", "127.0.0.1", server->port_string()};
  argv.insert(argv.end(), sent_corpus.paths.begin(), sent_corpus.paths.end());
  auto sent = RunProcess(argv, FastClientEnv());
  importer.join();
  EXPECT_EQ(sent.exit_code, 0) << sent.output << server->Log();
  EXPECT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_EQ(server->Stop(), 0);
  EXPECT_EQ(Index("a").Rows("SELECT source, count(*) FROM instances GROUP BY 1 ORDER BY 1"),
            (std::vector<Row>{{"import", "24"}, {"network", "24"}}));
}

}  // namespace
}  // namespace pixeldex::testing
