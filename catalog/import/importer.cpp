#include "catalog/import/importer.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <thread>

#include "catalog/import/bounded_queue.h"
#include "catalog/import/file_importer.h"
#include "catalog/import/progress_printer.h"

namespace pixeldex::import {
namespace {

// Queue slots per worker: enough that a worker never waits for the walk,
// few enough that the walk stays close to the work.
constexpr size_t kQueueSlotsPerJob = 4;

// Counts the files and bytes below the roots on its own thread, for the ETA.
class TotalsCounter {
 public:
  TotalsCounter(const std::vector<std::string>& roots, WalkOptions options, ShardFilter shard)
      : thread_([this, roots, options, shard]() mutable {
          options.cancel = &stop_;
          FolderWalker walker(options);
          int64_t files = 0, bytes = 0;
          walker.Walk(
              roots,
              [&](const WalkedFile& f) {
                if (!shard.Owns(f.path)) return true;
                ++files;
                bytes += f.size_bytes;
                return true;
              },
              [](const std::string&, const Status&) {});
          if (stop_.load()) return;
          total_bytes_.store(bytes);
          total_files_.store(files);  // last: readers check files first
        }) {}
  ~TotalsCounter() {
    stop_.store(true);
    thread_.join();
  }
  // Fills the totals into `snapshot` once known.
  void FillIn(ProgressSnapshot& snapshot) const {
    const int64_t files = total_files_.load();
    if (files < 0) return;
    snapshot.total_files = files;
    snapshot.total_bytes = total_bytes_.load();
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> total_files_{-1};
  std::atomic<int64_t> total_bytes_{-1};
  std::thread thread_;  // last: starts after the atomics exist
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Importer::Importer(ingest::IngestPipeline& pipeline, storage::FileStore& store,
                   std::string index_path, ImportOptions options)
    : pipeline_(pipeline), store_(store), index_path_(std::move(index_path)), options_(options) {}

int Importer::Jobs() const {
  if (options_.jobs > 0) return options_.jobs;
  const int hardware = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return std::min(kMaxDefaultImportJobs, kImportJobsPerHardwareThread * hardware);
}

Result<ImportSummary> Importer::Run(const std::vector<std::string>& roots) {
  const auto start = std::chrono::steady_clock::now();
  const int jobs = Jobs();

  // Everything that can fail for the import as a whole happens before any
  // file is touched.
  auto first_lookup = CatalogLookup::Open(index_path_);
  if (!first_lookup.ok()) return first_lookup.status();
  ContentHashSet known_contents;
  if (!options_.in_place) {
    PIXELDEX_RETURN_IF_ERROR(first_lookup->ForEachContentHash(
        [&](std::string_view sha256) { known_contents.Insert(sha256); }));
  }

  ImportTally tally(options_.max_failures_listed);
  const ImportContext context{pipeline_, store_, tally, known_contents, options_.in_place,
                              options_.recatalog_unchanged, options_.accept_changed,
                              options_.source, options_.before_file};
  BoundedQueue<WalkedFile> queue(static_cast<size_t>(jobs) * kQueueSlotsPerJob);
  std::vector<std::thread> workers;
  auto add_worker = [&](CatalogLookup lookup) {
    workers.emplace_back([this, &queue, &context, lookup = std::move(lookup)]() mutable {
      FileImporter importer(context, std::move(lookup));
      while (std::optional<WalkedFile> file = queue.Pop()) {
        if (!Cancelled()) importer.Import(*file);
      }
    });
  };
  // Workers, each with its own connection to the index, are added as the
  // walk gets ahead of them, up to `jobs`: an import of a few files opens
  // one or two connections, not `jobs`. When another connection cannot be
  // opened (e.g. PostgreSQL's max_connections), the import goes on with the
  // workers it has.
  const auto open_lookup = first_lookup->Opener();
  bool may_grow = true;
  auto grow_if_behind = [&] {
    if (!may_grow || workers.size() >= static_cast<size_t>(jobs) ||
        queue.Waiting() <= workers.size()) {
      return;
    }
    auto lookup = open_lookup();
    if (!lookup.ok()) {
      may_grow = false;
      return;
    }
    add_worker(std::move(lookup).value());
  };
  add_worker(std::move(first_lookup).value());

  // Files arriving in the store are never someone's folder to import.
  const WalkOptions walk_options{options_.follow_symlinks, options_.cancel,
                                 {store_.layout().IncomingRoot().string(),
                                  store_.layout().DeletingDir().string()},
                                 options_.skip_files,
                                 options_.skip_linked_files};
  const ShardFilter shard(options_.shard, roots);
  std::optional<TotalsCounter> totals;
  std::optional<ProgressPrinter> printer;
  if (options_.progress != nullptr) {
    totals.emplace(roots, walk_options, shard);
    printer.emplace(
        options_.progress,
        [&] {
          ProgressSnapshot snapshot;
          snapshot.counts = tally.Snapshot();
          snapshot.elapsed_seconds = SecondsSince(start);
          totals->FillIn(snapshot);
          return snapshot;
        },
        options_.progress_interval);
  }

  FolderWalker walker(walk_options);
  ImportSummary summary;
  summary.walk = walker.Walk(
      roots,
      [&](WalkedFile file) {
        if (!shard.Owns(file.path)) return true;
        if (!queue.Push(std::move(file))) return false;
        grow_if_behind();
        return true;
      },
      [&](const std::string& path, const Status& error) {
        tally.RecordFailure(path, error.ToString(), 0);
      });
  queue.Close();
  for (std::thread& worker : workers) worker.join();
  if (printer) printer->Stop();

  summary.counts = tally.Snapshot();
  summary.failures = tally.Failures();
  summary.elapsed_seconds = SecondsSince(start);
  summary.cancelled = Cancelled();
  return summary;
}

}  // namespace pixeldex::import
