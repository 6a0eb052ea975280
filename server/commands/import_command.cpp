// `pixeldex import`: catalog existing folders of DICOM files, on all cores,
// through the same ingest pipeline as the network path (catalog/import).

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "catalog/common/log.h"
#include "catalog/import/importer.h"
#include "server/cli/command_line.h"
#include "server/commands/commands.h"
#include "server/commands/writable_archive.h"

namespace pixeldex::server {
namespace {

constexpr const char* kImportDescription =
    "Catalog the DICOM files below each DIR (recursively) into the archive, using every\n"
    "core. Each file takes the same path as an instance received over the network:\n"
    "validated, its header extracted, a thumbnail rendered, stored, indexed. A file\n"
    "imported from a folder and the same file received by C-STORE give the same rows.\n"
    "\n"
    "By default each file is copied into the storage layout; the folder is left as it\n"
    "is. With --in-place nothing is copied: the index records each file's absolute\n"
    "path (relative to the storage root for files below it), and the files must stay\n"
    "where they are.\n"
    "\n"
    "Files are recognised by content, not by name: a Part-10 file (128-byte preamble\n"
    "and \"DICM\"), or a raw Little Endian data set without File Meta Information whose\n"
    "first elements parse consistently starting in group 0008. Anything else is\n"
    "counted as \"not DICOM\" and left alone; a DICOMDIR (a CD's directory, not an\n"
    "instance) is counted as \"not an instance\", not as a failure, so importing a\n"
    "CD folder exits 0. Symbolic links are not followed unless\n"
    "--follow-symlinks is given; a directory is never entered twice, so link cycles\n"
    "end.\n"
    "\n"
    "Re-running an import skips what is already cataloged unchanged, so an interrupted\n"
    "import resumes: in place, a file whose path, size and modification time match its\n"
    "row; copying, a file whose SHA-256 equals a cataloged instance's. Another copy of\n"
    "a cataloged SOP Instance UID follows storage.duplicates (replace, keep, reject).\n"
    "\n"
    "It is safe to import while 'pixeldex serve' runs on the same archive: both write\n"
    "the index in turn (SQLite WAL), and readers are never blocked. See README,\n"
    "\"Importing folders\".\n"
    "\n"
    "On a PostgreSQL index (--index postgresql://USER@HOST:PORT/DB) N machines can\n"
    "catalog one huge tree together: each runs 'pixeldex import --shard I/N DIR' with\n"
    "its own I (1..N), the same N and the same DIR (mounted anywhere) and storage\n"
    "root (a shared filesystem). Each file belongs to exactly one shard, by a hash\n"
    "(SHA-256) of its path relative to DIR, so no file is cataloged twice and no\n"
    "shard reads another's files; rerunning a shard resumes it as above.";

constexpr const char* kImportEpilogue =
    "\noutput:\n"
    "  On a terminal, stderr shows one progress line: files done, files/s, MB/s, ETA and\n"
    "  failures. At the end stdout gets the summary: files imported, replaced, rebuilt\n"
    "  (in place, at the path their row records), skipped unchanged, duplicates kept,\n"
    "  corrupt (in place: content differs from the recorded SHA-256, see reindex), not\n"
    "  DICOM, not an instance and failed, then the first failures with path and reason.\n"
    "  SIGINT or SIGTERM stop the import after the files in progress.\n"
    "\n"
    "exit status:\n"
    "  0  every DICOM file was cataloged (or skipped unchanged)\n"
    "  1  some files or directories failed (listed) or are corrupt, or the archive could\n"
    "     not be opened\n"
    "  2  usage error (unknown option, missing or nonexistent DIR, bad --shard)\n"
    "  130  interrupted by a signal\n"
    "\n"
    "examples:\n"
    "  pixeldex import --config /etc/pixeldex.conf /mnt/old-pacs\n"
    "  pixeldex import --in-place --jobs 4 --storage var/storage --index var/index.db ./scans\n"
    "  pixeldex import --index postgresql://pixeldex@db:5432/pixeldex --storage /mnt/archive \\\n"
    "      --shard 2/3 /mnt/old-pacs   # on the second of three machines\n";

int Import(const Settings& settings, const std::vector<std::string>& roots,
           import::ImportOptions options) {
  auto archive = OpenWritableArchive(settings);
  if (archive == nullptr) return 1;
  import::Importer importer(archive->pipeline(), archive->store(), settings.storage.index,
                            options);
  auto summary = importer.Run(roots);
  if (!summary.ok()) {
    LogError("import failed: {}", summary.status().ToString());
    return 1;
  }
  std::fputs(import::FormatSummary(*summary).c_str(), stdout);
  std::fflush(stdout);
  if (summary->cancelled) return 130;
  return summary->counts.NeedingAttention() > 0 ? 1 : 0;
}

}  // namespace

int RunImport(int argc, char** argv) {
  ArgParser parser("pixeldex import [options] DIR...", kImportDescription);
  SettingsOptions settings_options;
  settings_options.AddTo(parser);
  import::ImportOptions options;
  parser.Option("--jobs", "N",
                fmt::format("most worker threads (default: {} per hardware thread, at most {})",
                            import::kImportJobsPerHardwareThread, import::kMaxDefaultImportJobs),
                [&](const std::string& v) { return ParseJobs(v, &options.jobs); });
  parser.Flag("--in-place", "catalog files where they are; record their paths, copy nothing",
              [&] {
                options.in_place = true;
                return Status::Ok();
              });
  parser.Option("--shard", "I/N",
                "catalog only shard I of N (1 <= I <= N), the files whose path relative to "
                "DIR hashes to I",
                [&](const std::string& v) {
                  auto shard = import::ParseImportShard(v);
                  if (!shard.ok()) return shard.status();
                  options.shard = *shard;
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

  ParsedCommandLine command_line =
      ParseCommandLine(parser, settings_options, argc, argv, "import", kImportEpilogue,
                       [](const std::vector<std::string>& roots) {
                         if (roots.empty()) return Status::InvalidArgument("no DIR to import");
                         for (const std::string& root : roots) {
                           std::error_code ec;
                           if (!std::filesystem::exists(root, ec)) {
                             return Status::InvalidArgument(root + " does not exist");
                           }
                         }
                         return Status::Ok();
                       });
  if (!command_line.settings) return command_line.exit_code;
  ConfigureBatchLog(*command_line.settings);
  options.cancel = CancelOnSignals();
  if (::isatty(STDERR_FILENO)) options.progress = stderr;
  return Import(*command_line.settings, command_line.positional, options);
}

}  // namespace pixeldex::server
