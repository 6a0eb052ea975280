#pragma once
// Reconcile: brings the index back in step with the storage tree, which is
// the source of truth. The ingest order (file durable first, rows second)
// means a crash can leave a stored file without rows, never rows without
// their file; rows can still lose their file to a person or a failing disk.
// One call:
//   0. finishes the deletes a crash interrupted (instance_deleter.h);
//   1. catalogs, in place, every file below the storage root that has no row
//      or whose row no longer matches its size and modification time, with
//      the import machinery (catalog/import: walk, all cores, the one
//      IngestPipeline), so paths are recorded relative to the root; with
//      `recatalog_all` every file, unchanged or not (`pixeldex reindex`).
//      A file a row records is hashed before it is cataloged again (and only
//      then: a clean start hashes nothing but files reported corrupt before);
//      one whose content no longer matches the recorded SHA-256 is counted
//      corrupt, logged and recorded as an event file_corrupt, and its rows
//      stay, until a person decides: `accept_changed`, or the instance
//      received again (catalog/import/file_importer.h);
//   2. checks that the file of every row exists. Each missing one is logged
//      and recorded as an event `file_missing` when it is found missing
//      first: one that a `file_missing` event already reports (same instance
//      and path) is only counted, so a file that stays missing is not
//      reported again at every start. With `remove_missing_rows` its rows are
//      deleted too (reindex), and that is always reported.
// A server's start (`use_journal`) reconciles only the in-flight journal
// (in_flight_journal.h) instead of steps 1 and 2, when the archive's journal
// is complete: step 1 catalogs just the files the journal names, and step 2
// is left to `pixeldex check`/`reindex`. Otherwise (the first start of an
// archive, an entry that cannot be read, a reboot while it was served, or
// `force_walk`) it walks as above,
// then marks the journal complete; the journal's entries are removed either
// way once their files are cataloged.
// On an archive several nodes share (`shared_archive`: a PostgreSQL index,
// each node with its own journal, storage_layout.h), a start reconciles only
// its own node's journal, and a walk leaves alone every file with a second
// link: a file another node has in flight (its journal entry, or the link
// of a commit before its rename), which that node's own start reconciles if
// it dies; the files of this node's own journal are cataloged by name. So
// no node's start re-catalogs, or removes, what another is still writing.
// Stored files are never deleted or changed. Safe while a server writes the
// same archive: every instance's rows are replaced atomically (readers see
// the old rows or the new ones, never none), and a missing file is confirmed
// against the instance's current row before it is reported, under the
// instance's lock (IndexWriter::LockInstance: the threads and processes
// storing it, on SQLite or on the nodes of a PostgreSQL index, wait
// meanwhile) until its rows are removed.

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/import/import_report.h"
#include "catalog/index/index_writer.h"
#include "catalog/ingest/ingest_pipeline.h"
#include "catalog/storage/file_store.h"

namespace pixeldex::reconcile {

inline constexpr int kJobsPerHardwareThread = 8;

struct ReconcileOptions {
  // Catalog every file again, not only those without matching rows.
  bool recatalog_all = false;
  // Delete the rows of instances whose file is missing.
  bool remove_missing_rows = false;
  // Catalog files whose content no longer matches their recorded SHA-256 as
  // they are now (`pixeldex reindex --accept-changed`).
  bool accept_changed = false;
  // Worker threads for step 1; 0 means kJobsPerHardwareThread per hardware
  // thread (at most 64). Re-cataloging in place is bound by index commits,
  // not CPU: the more workers wait on one commit, the more rows it carries
  // (20,000 small files: 189 files/s with 2 workers, 880 with 8, 1,514 with
  // 16 on 2 cores).
  int jobs = 0;
  // A server's start: reconcile the in-flight journal, walking only when it
  // is not known complete (see above).
  bool use_journal = false;
  // With `use_journal`: walk all the same (storage.walk_at_start).
  bool force_walk = false;
  // Several nodes share the archive (see above).
  bool shared_archive = false;
  // A terminal for the progress line of step 1, or nullptr.
  std::FILE* progress = nullptr;
  // When set and true, step 1 stops after the files in progress; step 2
  // is skipped.
  const std::atomic<bool>* cancel = nullptr;
};

struct MissingFile {
  std::string sop_instance_uid;
  std::string path;  // as recorded
};

struct ReconcileReport {
  int64_t deletes_finished = 0;     // step 0
  bool walked = true;               // steps 1 and 2 covered the whole tree
  int64_t journal_entries = 0;      // in-flight files found in the journal
  import::ImportSummary cataloged;  // step 1
  int64_t rows_checked = 0;         // step 2
  std::vector<MissingFile> missing;  // all, reported now or before
  int64_t missing_reported_before = 0;  // of those, not logged nor recorded again
  int64_t rows_removed = 0;
};

// `pipeline` must write into `store` and, through `writer`, the index at
// `index_path`. Fails only when reconciling cannot start or the index cannot
// be read; per-file problems are in the report.
Result<ReconcileReport> Reconcile(ingest::IngestPipeline& pipeline, storage::FileStore& store,
                                  index::IndexWriter& writer, const std::string& index_path,
                                  const ReconcileOptions& options);

// The index file, its SQLite companions (-wal, -shm, -journal) and its lock
// file (index_lock_file.h): what a walk of a storage root that holds the
// index must leave out.
std::vector<std::string> IndexFiles(const std::string& index_path);

// One log line for the report (info when nothing needed doing, else warning)
// plus one warning per failed file listed; `when` says what ran ("start-up").
void LogReport(const ReconcileReport& report, const std::string& when);

}  // namespace pixeldex::reconcile
