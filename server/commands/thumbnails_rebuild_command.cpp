// pixeldex thumbnails: renders the thumbnails of instances already in the
// index from their stored files -- those received with thumbnails off, those
// cataloged before thumbnails existed, or (--all) every one, e.g. after
// changing thumbnails.max_size. Safe beside running servers, on the SQLite
// file or a PostgreSQL index: it pages through the index in read-only
// reads (catalog/index/thumbnail_reads.h), renders a batch on --jobs
// threads, and hands the batch's rows to the index writer at once, which
// commits them in short transactions of its own (IndexWriter::
// ReplaceThumbnails).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/oflog/oflog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "catalog/index/postgres/archive_reads_of.h"
#include "catalog/index/postgres/pg_uri.h"
#include "catalog/index/thumbnail_reads.h"
#include "catalog/metadata/sequence_depth.h"
#include "catalog/thumbnail/thumbnail_renderer.h"
#include "server/cli/command_line.h"
#include "server/commands/commands.h"
#include "server/commands/writable_archive.h"

namespace pixeldex::server {
namespace {

constexpr char kThumbnailsRebuildDescription[] =
    R"(Render thumbnails for instances already in the index, from their stored files,
exactly as the server does when an image arrives (middle frame, VOI window or
min/max fallback, area-averaged down to thumbnails.max_size, PNG). Files are
read from the storage root (storage.root) or, for in-place imports, from their
absolute path.

By default (--missing) only instances without a thumbnail are rendered: those
received while the server ran with --no-thumbnails (status 'disabled') and
those that have no thumbnail row. --all renders every instance again, e.g.
after changing thumbnails.max_size.

The servers may keep running, on a SQLite or a PostgreSQL index: instances
are rendered in batches of 64 and each batch is written by short
transactions, so an interrupted run keeps what it finished and can simply be
started again. An instance replaced or deleted while its batch was rendering
keeps its new state (counted as 'skipped').

Prints one summary line, e.g.
  thumbnails: 120 rendered, 3 failed (decode_error 1, no_pixel_data 2), 0 skipped, 0 unreadable
'failed' thumbnails are recorded with their status (see 'pixeldex thumbnail');
'unreadable' files (missing, no permission) are listed on stderr and left as
they were.

Exit status: 0 every selected instance was rendered or recorded; 1 some files
were unreadable, or the index could not be used; 2 bad usage. See README,
"Thumbnails".)";

constexpr int kBatchSize = 64;
// Values longer than this stay on disk until the renderer reads them; the
// same threshold as ingest, so a 500 MB multi-frame object costs one frame.
constexpr Uint32 kLazyLoadThreshold = 4096;

struct Rendered {
  bool readable = false;
  std::string error;  // why the file could not be read
  ThumbnailRecord thumbnail;
};

// Reads one stored file and renders it as the ingest pipeline does.
Rendered RenderStoredFile(const std::filesystem::path& path,
                          const thumbnail::ThumbnailOptions& options) {
  Rendered out;
  // A file we cannot open is not a fact about the image: report, don't record.
  if (std::ifstream probe(path, std::ios::binary); !probe) {
    out.error = Status::FromErrno(errno, "cannot read " + path.string()).message();
    return out;
  }
  out.readable = true;
  // As at ingest: DCMTK must not recurse into deep nesting nor spend seconds
  // on (0000,0000) padding of a file changed since it was stored.
  if (Status framed = metadata::CheckStoredDataSet(path.string()); !framed.ok()) {
    out.thumbnail.status = ThumbnailStatus::kDecodeError;
    out.thumbnail.reason = framed.message();
    return out;
  }
  DcmFileFormat file;
  const OFCondition loaded =
      file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kLazyLoadThreshold, ERM_autoDetect);
  if (loaded.bad()) {
    out.thumbnail.status = ThumbnailStatus::kDecodeError;
    out.thumbnail.reason = std::string("cannot parse data set: ") + loaded.text();
    return out;
  }
  DcmDataset& dataset = *file.getDataset();
  out.thumbnail = thumbnail::RenderThumbnail(dataset, dataset.getOriginalXfer(), options);
  return out;
}

std::filesystem::path StoredPath(const std::string& root, const std::string& path) {
  const std::filesystem::path p(path);
  return p.is_absolute() ? p : std::filesystem::path(root) / p;
}

// Renders `targets` on up to `jobs` threads; results in the same order.
std::vector<Rendered> RenderBatch(const std::vector<index::ThumbnailTarget>& targets,
                                  const std::string& root,
                                  const thumbnail::ThumbnailOptions& options, int jobs) {
  std::vector<Rendered> results(targets.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < targets.size(); i = next++) {
      results[i] = RenderStoredFile(StoredPath(root, targets[i].path), options);
    }
  };
  std::vector<std::jthread> threads;
  const int count = std::min<int>(jobs, static_cast<int>(targets.size()));
  for (int t = 1; t < count; ++t) threads.emplace_back(work);
  work();
  return results;
}

struct Tally {
  int64_t rendered = 0;
  std::map<std::string, int64_t> failed;  // by status kind, e.g. "decode_error"
  int64_t skipped = 0;
  int64_t unreadable = 0;

  std::string Summary() const {
    int64_t failed_total = 0;
    std::string kinds;
    for (const auto& [kind, n] : failed) {
      failed_total += n;
      kinds += (kinds.empty() ? "" : ", ") + kind + " " + std::to_string(n);
    }
    std::string line = "thumbnails: " + std::to_string(rendered) + " rendered, " +
                       std::to_string(failed_total) + " failed";
    if (!kinds.empty()) line += " (" + kinds + ")";
    return line + ", " + std::to_string(skipped) + " skipped, " + std::to_string(unreadable) +
           " unreadable";
  }
};

// Renders and writes every selected instance. Errors: the index failed.
Status Rebuild(index::ArchiveReads& reads, index::IndexWriter& writer,
               index::ThumbnailSelection selection, const Settings& settings, int jobs,
               Tally& tally) {
  thumbnail::ThumbnailOptions options;
  options.max_size = settings.thumbnails.max_size;
  int64_t after = 0;
  for (;;) {
    auto targets = index::ListThumbnailTargets(reads, selection, after, kBatchSize);
    if (!targets.ok()) return targets.status();
    if (targets->empty()) return Status::Ok();
    after = targets->back().instance_pk;

    std::vector<Rendered> rendered = RenderBatch(*targets, settings.storage.root, options, jobs);
    std::vector<index::ThumbnailUpdate> updates;
    for (size_t i = 0; i < targets->size(); ++i) {
      if (!rendered[i].readable) {
        ++tally.unreadable;
        std::fprintf(stderr, "pixeldex thumbnails: %s: %s\n",
                     (*targets)[i].sop_instance_uid.c_str(), rendered[i].error.c_str());
        continue;
      }
      updates.push_back({(*targets)[i].instance_pk, (*targets)[i].sha256,
                         std::move(rendered[i].thumbnail)});
    }
    std::vector<ThumbnailStatus> statuses;
    for (const index::ThumbnailUpdate& update : updates) {
      statuses.push_back(update.thumbnail.status);
    }
    auto written = writer.ReplaceThumbnails(std::move(updates));
    if (!written.ok()) return written.status();
    for (size_t i = 0; i < statuses.size(); ++i) {
      const ThumbnailStatus status = statuses[i];
      if (!(*written)[i]) {
        ++tally.skipped;
      } else if (status == ThumbnailStatus::kOk) {
        ++tally.rendered;
      } else {
        ++tally.failed[ThumbnailStatusName(status)];
      }
    }
  }
}

}  // namespace

int RunThumbnails(int argc, char** argv) {
  ArgParser parser(
      "pixeldex thumbnails [--config FILE | --index FILE --storage DIR] "
      "[--missing | --all] [--max-size N] [--jobs N]",
      kThumbnailsRebuildDescription);
  SettingsOptions settings_options;
  settings_options.AddTo(parser);
  index::ThumbnailSelection selection = index::ThumbnailSelection::kMissing;
  int selections = 0;
  parser.Flag("--missing",
              "render instances without a thumbnail or with status 'disabled' "
              "(the default)",
              [&] {
                selection = index::ThumbnailSelection::kMissing;
                ++selections;
                return Status::Ok();
              });
  parser.Flag("--all", "render every instance again, replacing existing thumbnails", [&] {
    selection = index::ThumbnailSelection::kAll;
    ++selections;
    return Status::Ok();
  });
  parser.Option("--max-size", "N", "longest thumbnail side in pixels (thumbnails.max_size)",
                [&](const std::string& v) {
                  settings_options.Override("thumbnails.max_size", v);
                  return Status::Ok();
                });
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  parser.Option("--jobs", "N", "render on N threads (default: one per CPU)",
                [&](const std::string& v) { return ParseJobs(v, &jobs); });

  ParsedCommandLine command_line = ParseCommandLine(
      parser, settings_options, argc, argv, "thumbnails", "",
      [&selections](const std::vector<std::string>& positional) {
        PIXELDEX_RETURN_IF_ERROR(NoPositionalArguments(positional));
        if (selections > 1) {
          return Status::InvalidArgument("--missing and --all exclude each other");
        }
        return Status::Ok();
      });
  if (!command_line.settings) return command_line.exit_code;
  const std::optional<Settings>& settings = command_line.settings;
  OFLog::configure(OFLogger::ERROR_LOG_LEVEL);

  // Opening the archive would create an empty SQLite index: refuse a wrong path instead.
  std::error_code ec;
  if (!index::postgres::IsPostgresUri(settings->storage.index) &&
      !std::filesystem::is_regular_file(settings->storage.index, ec)) {
    std::fprintf(stderr, "pixeldex thumbnails: no index at %s\n", settings->storage.index.c_str());
    return 1;
  }
  auto archive = OpenWritableArchive(*settings);
  if (archive == nullptr) return 1;
  auto reads = index::OpenArchiveReads(settings->storage.index);
  Status status = reads.status();
  Tally tally;
  if (status.ok()) status = Rebuild(**reads, archive->writer(), selection, *settings, jobs, tally);
  std::printf("%s\n", tally.Summary().c_str());
  if (!status.ok()) {
    std::fprintf(stderr, "pixeldex thumbnails: %s\n", status.message().c_str());
    return 1;
  }
  return tally.unreadable > 0 ? 1 : 0;
}

}  // namespace pixeldex::server
