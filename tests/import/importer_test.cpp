// Importer over a generated folder: every kind of file counted right, rows as
// the pipeline writes them, resume (re-running skips what is unchanged), in
// place cataloging, duplicate policy, cancellation.

#include "catalog/import/importer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "catalog/storage/sha256.h"
#include "tests/import/import_corpus.h"
#include "tests/support/index_probe.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::import {
namespace {

namespace fs = std::filesystem;
using pixeldex::testing::ImportCorpus;
using pixeldex::testing::IndexProbe;
using pixeldex::testing::Row;
using pixeldex::testing::TempDir;

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenArchive({}); }

  void OpenArchive(ingest::IngestOptions options) {
    pipeline_.reset();
    writer_.reset();
    ASSERT_TRUE(store_.Initialize().ok());
    auto writer = index::IndexWriter::Open(index_path_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    writer_ = std::move(writer).value();
    options.thumbnail.max_size = 32;
    pipeline_ = std::make_unique<ingest::IngestPipeline>(store_, *writer_, options);
  }

  ImportSummary Import(const std::vector<std::string>& roots, ImportOptions options = {}) {
    if (options.jobs == 0) options.jobs = 4;
    auto summary = Importer(*pipeline_, store_, index_path_, options).Run(roots);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    return summary.ok() ? *summary : ImportSummary{};
  }

  static std::vector<int64_t> Counts(const ImportSummary& s) {
    std::vector<int64_t> counts(s.counts.by_result.begin(), s.counts.by_result.end());
    return counts;  // imported, replaced, unchanged, duplicates kept, not DICOM, failed,
                    // not an instance, rebuilt, corrupt
  }

  std::set<std::string> FilesBelow(const fs::path& dir) const {
    std::set<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file()) files.insert(fs::relative(e.path(), dir).string());
    }
    return files;
  }

  TempDir dir_;
  const std::string source_ = dir_ / "export";
  const std::string index_path_ = dir_ / "index.db";
  storage::FileStore store_{storage::StorageLayout(dir_.path() / "storage")};
  std::unique_ptr<index::IndexWriter> writer_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
  IndexProbe probe_{index_path_};
};

class ImporterJobsTest : public ImporterTest, public ::testing::WithParamInterface<int> {};

TEST_P(ImporterJobsTest, CatalogsAGeneratedFolderAndCountsEveryKindOfFile) {
  const ImportCorpus corpus = pixeldex::testing::MakeImportCorpus(source_);
  ASSERT_EQ(corpus.instances.size(), 24u);
  ImportOptions options;
  options.jobs = GetParam();
  const ImportSummary s = Import({source_}, options);

  EXPECT_EQ(Counts(s), (std::vector<int64_t>{24, 0, 0, 0, 4, 3, 0, 0, 0}));
  EXPECT_FALSE(s.cancelled);
  std::set<std::string> failed;
  for (const ImportFailure& f : s.failures) failed.insert(f.path);
  EXPECT_EQ(failed, std::set<std::string>(corpus.broken.begin(), corpus.broken.end()));
  // "Which files failed and why" is an SQL question too.
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM events WHERE kind = 'import_failed'"),
            static_cast<long long>(corpus.broken.size()));

  EXPECT_EQ(probe_.Count("SELECT count(*) FROM patients"), 2);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM studies"), 3);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM series"), 6);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM thumbnails WHERE status = 'ok'"), 24);
  for (size_t i = 0; i < corpus.instances.size(); ++i) {
    const auto& t = corpus.instances[i];
    const std::string relative =
        t.study_uid + "/" + t.series_uid + "/" + t.sop_instance_uid + ".dcm";
    auto rows = probe_.Rows(
        "SELECT path, source, sha256, series_number, accession_number FROM instance_details "
        "WHERE sop_instance_uid = ?",
        {t.sop_instance_uid});
    ASSERT_EQ(rows.size(), 1u) << corpus.paths[i];
    // Copied byte for byte into the layout.
    EXPECT_EQ(rows[0], (Row{relative, "import", *storage::Sha256OfFile(corpus.paths[i]),
                            std::to_string(t.series_number), t.accession_number}));
    EXPECT_EQ(*storage::Sha256OfFile(store_.layout().Absolute(relative).string()), rows[0][2]);
  }
  EXPECT_TRUE(fs::is_empty(store_.layout().IncomingDir()));
}

INSTANTIATE_TEST_SUITE_P(Jobs, ImporterJobsTest, ::testing::Values(1, 4, 16));

// The workers' catch boundary: a file whose import throws is counted and
// recorded as failed; the worker goes on with the other files.
TEST_F(ImporterTest, AFileWhoseImportThrowsFailsAloneAndTheImportGoesOn) {
  pixeldex::testing::CorpusShape shape;
  shape.add_broken = false;
  shape.add_not_dicom = false;
  const ImportCorpus corpus = pixeldex::testing::MakeImportCorpus(source_, shape);
  const std::string victim = corpus.paths.front();
  ImportOptions options;
  options.jobs = 2;
  options.before_file = [&](const std::string& path) {
    if (path == victim) throw std::runtime_error("injected by the test");
  };
  const ImportSummary s = Import({source_}, options);

  EXPECT_EQ(Counts(s), (std::vector<int64_t>{23, 0, 0, 0, 0, 1, 0, 0, 0}));
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_EQ(s.failures[0].path, victim);
  EXPECT_NE(s.failures[0].reason.find("injected by the test"), std::string::npos)
      << s.failures[0].reason;
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM events WHERE kind = 'import_failed'"), 1);
}

// Threads of this process now (/proc/self/task).
size_t ThreadsNow() {
  return static_cast<size_t>(std::distance(fs::directory_iterator("/proc/self/task"),
                                           fs::directory_iterator()));
}

// Each worker holds a connection to the index: an import of one file starts
// one worker, whatever --jobs allows.
TEST_F(ImporterTest, AnImportOfOneFileStartsOneWorker) {
  const ImportCorpus corpus = pixeldex::testing::MakeImportCorpus(source_);
  const std::string single = dir_ / "single";
  fs::create_directories(single);
  fs::copy_file(corpus.paths.front(), single + "/one.dcm");
  ImportOptions options;
  options.jobs = 8;
  const size_t threads_before = ThreadsNow();
  size_t threads_while_importing = 0;
  options.before_file = [&](const std::string&) { threads_while_importing = ThreadsNow(); };
  const ImportSummary s = Import({single}, options);

  EXPECT_EQ(s.counts.Of(FileResult::kImported), 1);
  EXPECT_EQ(threads_while_importing, threads_before + 1);
}

// While the walk is ahead of the workers, workers are added up to `jobs`:
// here every worker waits in its first file until `jobs` of them wait, which
// only happens if the import added them.
TEST_F(ImporterTest, WorkersAreAddedWhileTheWalkIsAheadUpToJobs) {
  pixeldex::testing::CorpusShape shape;
  shape.add_broken = false;
  shape.add_not_dicom = false;
  const ImportCorpus corpus = pixeldex::testing::MakeImportCorpus(source_, shape);
  constexpr size_t kJobs = 4;
  std::mutex mutex;
  std::condition_variable all_waiting;
  std::set<std::thread::id> workers;
  bool gave_up = false;
  ImportOptions options;
  options.jobs = kJobs;
  options.before_file = [&](const std::string&) {
    std::unique_lock lock(mutex);
    workers.insert(std::this_thread::get_id());
    all_waiting.notify_all();
    // The bound only keeps a broken importer from hanging the test.
    if (!all_waiting.wait_for(lock, std::chrono::seconds(60),
                              [&] { return workers.size() >= kJobs; })) {
      gave_up = true;
    }
  };
  const ImportSummary s = Import({source_}, options);

  EXPECT_FALSE(gave_up);
  EXPECT_EQ(workers.size(), kJobs);
  EXPECT_EQ(s.counts.Of(FileResult::kImported), static_cast<int64_t>(corpus.instances.size()));
}

TEST_F(ImporterTest, ReRunningSkipsEverythingUnchanged) {
  pixeldex::testing::MakeImportCorpus(source_);
  Import({source_});
  const auto before = probe_.Rows("SELECT sop_instance_uid, received_at FROM instances ORDER BY 1");

  const ImportSummary again = Import({source_});
  EXPECT_EQ(Counts(again), (std::vector<int64_t>{0, 0, 24, 0, 4, 3, 0, 0, 0}));
  EXPECT_EQ(probe_.Rows("SELECT sop_instance_uid, received_at FROM instances ORDER BY 1"), before);
}

TEST_F(ImporterTest, AnInterruptedImportResumesWhereItStopped) {
  pixeldex::testing::CorpusShape shape;
  shape.add_broken = false;
  shape.add_not_dicom = false;
  pixeldex::testing::MakeImportCorpus(source_, shape);
  // patient0 holds studies 0 and 2: 16 instances, as if the first run stopped there.
  EXPECT_EQ(Counts(Import({source_ + "/patient0"}))[0], 16);
  EXPECT_EQ(Counts(Import({source_})), (std::vector<int64_t>{8, 0, 16, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), 24);
}

TEST_F(ImporterTest, AChangedFileReplacesItsInstance) {
  pixeldex::testing::CorpusShape shape;
  shape.add_broken = false;
  const ImportCorpus corpus = pixeldex::testing::MakeImportCorpus(source_, shape);
  Import({source_});
  pixeldex::testing::TestInstance changed = corpus.instances[1];
  changed.series_description = "edited";
  pixeldex::testing::WriteTestInstance(corpus.paths[1], changed);

  EXPECT_EQ(Counts(Import({source_})), (std::vector<int64_t>{0, 1, 23, 0, 4, 0, 0, 0, 0}));
  EXPECT_EQ(probe_.Scalar("SELECT series_description FROM instance_details "
                          "WHERE sop_instance_uid = ?",
                          {changed.sop_instance_uid}),
            "edited");
}

TEST_F(ImporterTest, InPlaceRecordsAbsolutePathsAndCopiesNothing) {
  pixeldex::testing::CorpusShape shape;
  shape.add_broken = false;
  const ImportCorpus corpus = pixeldex::testing::MakeImportCorpus(source_, shape);
  const auto source_files_before = FilesBelow(source_);
  ImportOptions options;
  options.in_place = true;
  // A relative root: the recorded paths are absolute all the same.
  const fs::path cwd = fs::current_path();
  fs::current_path(dir_.path());
  const ImportSummary s = Import({"export"}, options);
  fs::current_path(cwd);

  EXPECT_EQ(Counts(s), (std::vector<int64_t>{24, 0, 0, 0, 4, 0, 0, 0, 0}));
  for (size_t i = 0; i < corpus.instances.size(); ++i) {
    EXPECT_EQ(probe_.Scalar("SELECT path FROM instances WHERE sop_instance_uid = ?",
                            {corpus.instances[i].sop_instance_uid}),
              fs::path(corpus.paths[i]).lexically_normal().string());
  }
  EXPECT_TRUE(FilesBelow(store_.layout().root()).empty()) << "nothing copied into the store";
  EXPECT_EQ(FilesBelow(source_), source_files_before) << "nothing moved or removed";

  // Unchanged files are skipped; a touched one (new mtime) is cataloged again.
  EXPECT_EQ(Counts(Import({source_}, options)), (std::vector<int64_t>{0, 0, 24, 0, 4, 0, 0, 0, 0}));
  const timespec times[2] = {{0, UTIME_OMIT}, {1700000000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, corpus.paths[3].c_str(), times, 0), 0);
  // Cataloged again at the path its row records: rebuilt, not a replacement.
  EXPECT_EQ(Counts(Import({source_}, options)),
            (std::vector<int64_t>{0, 0, 23, 0, 4, 0, 0, 1, 0}));
  EXPECT_EQ(probe_.Scalar("SELECT file_mtime FROM instances WHERE sop_instance_uid = ?",
                          {corpus.instances[3].sop_instance_uid}),
            "2023-11-14T22:13:20.000Z");
  EXPECT_TRUE(fs::exists(corpus.paths[3])) << "an in-place file is never removed";
}

// Bytes this process has read through read(2) and its kin (/proc/self/io).
int64_t BytesReadByThisProcess() {
  std::ifstream io("/proc/self/io");
  std::string key;
  int64_t value = 0;
  while (io >> key >> value) {
    if (key == "rchar:") return value;
  }
  return -1;
}

TEST_F(ImporterTest, AHugeSparseFileIsRefusedBeforeItIsReadOrCopied) {
  // A valid small instance, then a 2 GiB hole: it used to be hashed, copied
  // densely into .incoming and parsed as (0000,0000) elements for minutes.
  fs::create_directories(source_);
  const std::string sparse = source_ + "/sparse.dcm";
  pixeldex::testing::WriteTestInstance(sparse, pixeldex::testing::TestInstance{});
  ASSERT_EQ(::truncate(sparse.c_str(), fs::file_size(sparse) + (int64_t{2} << 30)), 0);
  for (bool in_place : {false, true}) {
    SCOPED_TRACE(in_place ? "in place" : "copied");
    ImportOptions options;
    options.in_place = in_place;
    const int64_t read_before = BytesReadByThisProcess();
    const ImportSummary s = Import({source_}, options);
    EXPECT_LT(BytesReadByThisProcess() - read_before, int64_t{64} << 20);
    EXPECT_EQ(Counts(s), (std::vector<int64_t>{0, 0, 0, 0, 0, 1, 0, 0, 0}));
    ASSERT_EQ(s.failures.size(), 1u);
    EXPECT_NE(s.failures[0].reason.find("group 0000"), std::string::npos) << s.failures[0].reason;
    EXPECT_TRUE(fs::is_empty(store_.layout().IncomingDir()));
    EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), 0);
  }
}

TEST_F(ImporterTest, DuplicatesFollowTheKeepPolicy) {
  ingest::IngestOptions keep;
  keep.duplicates = ingest::DuplicatePolicy::kKeep;
  OpenArchive(keep);
  pixeldex::testing::CorpusShape shape;
  shape.add_broken = false;
  shape.add_not_dicom = false;
  const ImportCorpus corpus = pixeldex::testing::MakeImportCorpus(source_, shape);
  Import({source_});
  // Same UIDs, different content: another export of the same instances.
  fs::create_directories(dir_ / "second");
  for (size_t i = 0; i < 5; ++i) {
    pixeldex::testing::TestInstance other = corpus.instances[i];
    other.series_description = "re-exported";
    pixeldex::testing::WriteTestInstance(dir_ / ("second/" + std::to_string(i)), other);
  }
  EXPECT_EQ(Counts(Import({dir_ / "second"})), (std::vector<int64_t>{0, 0, 0, 5, 0, 0, 0, 0, 0}));
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM series WHERE series_description = 're-exported'"),
            0);
}

TEST_F(ImporterTest, CancelledBeforeStartImportsNothing) {
  pixeldex::testing::MakeImportCorpus(source_);
  std::atomic<bool> cancel{true};
  ImportOptions options;
  options.cancel = &cancel;
  const ImportSummary s = Import({source_}, options);
  EXPECT_TRUE(s.cancelled);
  EXPECT_EQ(s.counts.files_done, 0);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), 0);
}

TEST_F(ImporterTest, SkipsTheStoresIncomingDirectory) {
  // Importing the storage root itself must not pick up files being received.
  pixeldex::testing::WriteTestInstance(store_.NewIncomingPath(), {});
  const ImportSummary s = Import({store_.layout().root().string()});
  EXPECT_EQ(s.counts.files_done, 0);
}

}  // namespace
}  // namespace pixeldex::import
