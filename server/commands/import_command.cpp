// `pixeldex import`: catalog existing folders of DICOM files, on all cores,
// through the same ingest pipeline as the network path (catalog/import).

#include <dcmtk/oflog/oflog.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "catalog/common/log.h"
#include "catalog/import/importer.h"
#include "catalog/index/index_writer.h"
#include "catalog/ingest/ingest_pipeline.h"
#include "catalog/storage/file_store.h"
#include "server/cli/settings_options.h"
#include "server/commands/commands.h"

namespace pixeldex::server {
namespace {

constexpr const char* kDescription =
    "Catalog the DICOM files below each DIR (recursively) into the archive, using every\n"
    "core. Each file takes the same path as an instance received over the network:\n"
    "validated, its header extracted, a thumbnail rendered, stored, indexed. A file\n"
    "imported from a folder and the same file received by C-STORE give the same rows.\n"
    "\n"
    "By default each file is copied into the storage layout; the folder is left as it\n"
    "is. With --in-place nothing is copied: the index records each file's absolute\n"
    "path, and the files must stay where they are.\n"
    "\n"
    "Files are recognised by content, not by name: a Part-10 file (128-byte preamble\n"
    "and \"DICM\"), or a raw Little Endian data set without File Meta Information whose\n"
    "first elements parse consistently starting in group 0008. Anything else is\n"
    "counted as \"not DICOM\" and left alone. Symbolic links are not followed unless\n"
    "--follow-symlinks is given; a directory is never entered twice, so link cycles\n"
    "end.\n"
    "\n"
    "Re-running an import skips what is already cataloged unchanged, so an interrupted\n"
    "import resumes: in place, a file whose path, size and modification time match its\n"
    "row; copying, a file whose SHA-256 equals a cataloged instance's. Another copy of\n"
    "a cataloged SOP Instance UID follows storage.duplicates (replace, keep, reject).\n"
    "\n"
    "It is safe to import while 'pixeldex serve' runs on the same archive: both write\n"
    "the index in turn (SQLite WAL), and readers are never blocked.";

constexpr const char* kEpilogue =
    "\noutput:\n"
    "  On a terminal, stderr shows one progress line: files done, files/s, MB/s, ETA and\n"
    "  failures. At the end stdout gets the summary: files imported, replaced, skipped\n"
    "  unchanged, duplicates kept, not DICOM and failed, then the first failures with\n"
    "  path and reason. SIGINT or SIGTERM stop the import after the files in progress.\n"
    "\n"
    "exit status:\n"
    "  0  every DICOM file was cataloged (or skipped unchanged)\n"
    "  1  some files or directories failed (listed), or the archive could not be opened\n"
    "  2  usage error (unknown option, missing or nonexistent DIR)\n"
    "  130  interrupted by a signal\n"
    "\n"
    "examples:\n"
    "  pixeldex import --config /etc/pixeldex.conf /mnt/old-pacs\n"
    "  pixeldex import --in-place --jobs 4 --storage var/storage --index var/index.db ./scans\n";

// Set by SIGINT/SIGTERM; read by the importer between files.
std::atomic<bool> g_cancel{false};
static_assert(std::atomic<bool>::is_always_lock_free, "used from a signal handler");

void OnSignal(int) { g_cancel.store(true); }

void InstallSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

Status ParseJobs(const std::string& text, int* jobs) {
  try {
    size_t used = 0;
    const int n = std::stoi(text, &used);
    if (used == text.size() && n >= 1 && n <= 1024) {
      *jobs = n;
      return Status::Ok();
    }
  } catch (const std::exception&) {
  }
  return Status::InvalidArgument("--jobs expects a number from 1 to 1024, got " + text);
}

// Opens the archive the way the server does, except that the incoming
// directory is not cleaned: a running server may be receiving into it.
int Import(const Settings& settings, const std::vector<std::string>& roots,
           import::ImportOptions options) {
  storage::FileStore store{storage::StorageLayout(settings.storage.root)};
  std::error_code ec;
  std::filesystem::create_directories(store.layout().IncomingDir(), ec);
  if (ec) {
    LogError("cannot create {}: {}", store.layout().IncomingDir().string(), ec.message());
    return 1;
  }
  auto writer = index::IndexWriter::Open(settings.storage.index);
  if (!writer.ok()) {
    LogError("cannot open the index {}: {}", settings.storage.index, writer.status().ToString());
    return 1;
  }
  ingest::IngestOptions ingest_options;
  ingest_options.duplicates = settings.storage.duplicates;
  ingest_options.thumbnails = settings.thumbnails.enabled;
  ingest_options.thumbnail.max_size = settings.thumbnails.max_size;
  ingest::IngestPipeline pipeline(store, **writer, ingest_options);

  import::Importer importer(pipeline, store, settings.storage.index, options);
  auto summary = importer.Run(roots);
  if (!summary.ok()) {
    LogError("import failed: {}", summary.status().ToString());
    return 1;
  }
  std::fputs(import::FormatSummary(*summary).c_str(), stdout);
  std::fflush(stdout);
  if (summary->cancelled) return 130;
  return summary->counts.Of(import::FileResult::kFailed) > 0 ? 1 : 0;
}

}  // namespace

int RunImport(int argc, char** argv) {
  ArgParser parser("pixeldex import [options] DIR...", kDescription);
  SettingsOptions settings_options;
  settings_options.AddTo(parser);
  import::ImportOptions options;
  parser.Option("--jobs", "N", "worker threads (default: one per hardware thread)",
                [&](const std::string& v) { return ParseJobs(v, &options.jobs); });
  parser.Flag("--in-place", "catalog files where they are; record absolute paths, copy nothing",
              [&] {
                options.in_place = true;
                return Status::Ok();
              });
  parser.Flag("--follow-symlinks", "follow symbolic links, also out of DIR", [&] {
    options.follow_symlinks = true;
    return Status::Ok();
  });
  parser.Flag("--no-thumbnails", "do not render thumbnails (thumbnails.enabled=false)", [&] {
    settings_options.Override("thumbnails.enabled", "false");
    return Status::Ok();
  });

  std::vector<std::string> roots;
  bool help = false;
  Status parsed = parser.Parse(argc, argv, 2, &roots, &help);
  if (help) {
    std::fputs((parser.Help() + kEpilogue).c_str(), stdout);
    return 0;
  }
  if (parsed.ok() && roots.empty()) parsed = Status::InvalidArgument("no DIR to import");
  for (const std::string& root : roots) {
    std::error_code ec;
    if (parsed.ok() && !std::filesystem::exists(root, ec)) {
      parsed = Status::InvalidArgument(root + " does not exist");
    }
  }
  auto settings = parsed.ok() ? settings_options.Resolve() : Result<Settings>(parsed);
  if (!settings.ok()) {
    std::fprintf(stderr, "pixeldex import: %s\n(see 'pixeldex import --help')\n",
                 settings.status().message().c_str());
    return 2;
  }
  // Unreadable files are reported in the summary; DCMTK's own complaints
  // about them would only be noise, unless debugging.
  OFLog::configure(settings->log.level == LogLevel::kDebug ? OFLogger::INFO_LOG_LEVEL
                                                           : OFLogger::FATAL_LOG_LEVEL);
  InstallSignalHandlers();
  options.cancel = &g_cancel;
  if (::isatty(STDERR_FILENO)) options.progress = stderr;
  return Import(*settings, roots, options);
}

}  // namespace pixeldex::server
