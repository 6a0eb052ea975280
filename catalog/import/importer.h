#pragma once
// Importer: bulk cataloging of existing folders on all cores (`pixeldex
// import`). The calling thread walks the roots (folder_walker.h) and feeds a
// bounded queue; up to `jobs` worker threads (added while the walk is ahead
// of those running) take files from it and run each through FileImporter,
// i.e. the same IngestPipeline the network path uses.
// A second, cheap walk counts files and bytes ahead of the work so that the
// progress line can show an ETA. Files already cataloged unchanged are
// skipped, so an interrupted import resumes where it stopped when re-run.
//
// Safe while a server writes the same index: reads use their own WAL
// connections and the IndexWriter waits for the write lock (busy timeout).
// On PostgreSQL, several imports (one per shard, on several machines) may
// write one index at once.
// One Run() at a time.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/import/import_report.h"
#include "catalog/import/import_shard.h"
#include "catalog/ingest/ingest_pipeline.h"
#include "catalog/storage/file_store.h"

namespace pixeldex::import {

// Default workers per hardware thread. Each file waits for its fsyncs (the
// copy, its directory) and for the index commit it shares with the others,
// so more files in flight than cores keep the cores busy: 2,000 files of
// 525 kB on ext4 (2 cores, 2026-12-06): 28-31 s with 2 workers, 17-19 s
// with 8, 14-15 s with 16; on tmpfs 8.0 s with 2, 8.3-8.8 with 8 or 16
// (bench/README.md "Import").
inline constexpr int kImportJobsPerHardwareThread = 4;
inline constexpr int kMaxDefaultImportJobs = 64;

struct ImportOptions {
  // Worker threads; 0 means kImportJobsPerHardwareThread per hardware
  // thread, at most kMaxDefaultImportJobs.
  int jobs = 0;
  // Catalog files where they are (recording absolute paths) instead of
  // copying them into the store.
  bool in_place = false;
  // In place: catalog files again even when their rows say they are
  // unchanged (`pixeldex reindex`).
  bool recatalog_unchanged = false;
  // In place: catalog files whose content no longer matches their recorded
  // SHA-256 as they are now, instead of reporting them (file_importer.h).
  bool accept_changed = false;
  // Provenance.source of the rows written.
  ProvenanceSource source = ProvenanceSource::kImport;
  // Follow symbolic links, also out of the tree (folder_walker.h).
  bool follow_symlinks = false;
  // Files never imported (WalkOptions::skip_files).
  std::vector<std::string> skip_files;
  // WalkOptions::skip_linked_files.
  bool skip_linked_files = false;
  // Only the files of this shard (import_shard.h); 1/1: every file. The
  // others are neither read nor counted.
  ImportShard shard;
  // Failures listed in the summary with path and reason; all are counted.
  size_t max_failures_listed = 20;
  // A terminal to draw the progress line on, or nullptr for none.
  std::FILE* progress = nullptr;
  std::chrono::milliseconds progress_interval{250};
  // When set and true, the import stops taking new files, finishes the ones
  // in progress and returns a summary marked cancelled.
  const std::atomic<bool>* cancel = nullptr;
  // Test seam: called on a worker before each file is imported; a test makes
  // it throw to prove the workers' catch boundary. Empty in production.
  std::function<void(const std::string& path)> before_file;
};

class Importer {
 public:
  // `pipeline` must write into `store` and the index at `index_path` (a
  // SQLite file or a postgresql:// URI).
  Importer(ingest::IngestPipeline& pipeline, storage::FileStore& store, std::string index_path,
           ImportOptions options);

  // Imports every file below `roots` (directories or files). Fails only when
  // the import cannot start (index unreadable); per-file problems are counted
  // in the summary.
  Result<ImportSummary> Run(const std::vector<std::string>& roots);

 private:
  int Jobs() const;
  bool Cancelled() const { return options_.cancel != nullptr && options_.cancel->load(); }

  ingest::IngestPipeline& pipeline_;
  storage::FileStore& store_;
  std::string index_path_;
  ImportOptions options_;
};

}  // namespace pixeldex::import
