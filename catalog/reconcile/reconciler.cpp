#include "catalog/reconcile/reconciler.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>
#include <unordered_set>

#include "catalog/common/event_kind.h"
#include "catalog/common/log.h"
#include "catalog/import/importer.h"
#include "catalog/index/index_lock_file.h"
#include "catalog/index/postgres/archive_reads_of.h"
#include "catalog/reconcile/in_flight_journal.h"
#include "catalog/reconcile/instance_deleter.h"

namespace pixeldex::reconcile {
namespace {

bool FileExists(const storage::StorageLayout& layout, const std::string& recorded_path) {
  std::error_code ec;
  return std::filesystem::exists(layout.FileOf(recorded_path), ec);
}

// Rows whose file is not there, as read from one snapshot of the index.
Result<std::vector<MissingFile>> RowsWithoutFile(const storage::StorageLayout& layout,
                                                 const std::string& index_path,
                                                 int64_t* rows_checked) {
  auto reads = index::OpenArchiveReads(index_path);
  if (!reads.ok()) return reads.status();
  std::vector<MissingFile> missing;
  PIXELDEX_RETURN_IF_ERROR((*reads)->ForEachRecordedPath(
      [&](const std::string& sop_instance_uid, const std::string& path) {
        ++*rows_checked;
        if (!FileExists(layout, path)) missing.push_back(MissingFile{sop_instance_uid, path});
        return Status::Ok();
      }));
  return missing;
}

// True when the instance's current row still names `missing.path` and the
// file is still not there (a server may have replaced the copy meanwhile).
Result<bool> StillMissing(index::IndexWriter& writer, const storage::StorageLayout& layout,
                          const MissingFile& missing) {
  auto copy = writer.FindCopy(missing.sop_instance_uid);
  if (!copy.ok()) return copy.status();
  return copy->has_value() && (*copy)->path == missing.path && !FileExists(layout, missing.path);
}

// Deletes the rows of an instance whose file is gone; true when done.
bool RemoveRows(index::IndexWriter& writer, const MissingFile& missing) {
  Status s = writer.Remove(missing.sop_instance_uid);
  if (!s.ok()) {
    LogWarning("cannot remove the rows of {}: {}", missing.sop_instance_uid, s.ToString());
  }
  return s.ok();
}

std::string ReportKey(const std::string& sop_instance_uid, const std::string& detail) {
  return sop_instance_uid + '\n' + detail;
}

// Calls `fn` with each event of `kind` in the index, read through a
// connection of its own.
Status ForEachEventIn(
    const std::string& index_path, EventKind kind,
    const std::function<void(const std::string& sop_instance_uid, const std::string& detail)>& fn) {
  auto reads = index::OpenArchiveReads(index_path);
  if (!reads.ok()) return reads.status();
  return (*reads)->ForEachEvent(kind, fn);
}

// The instances and paths that `file_missing` events already report, so that
// a file which stays missing is reported once, not again at every start.
Result<std::unordered_set<std::string>> AlreadyReported(const std::string& index_path) {
  std::unordered_set<std::string> reported;
  PIXELDEX_RETURN_IF_ERROR(
      ForEachEventIn(index_path, EventKind::kFileMissing,
                     [&](const std::string& sop_instance_uid, const std::string& detail) {
                       reported.insert(ReportKey(sop_instance_uid, detail));
                     }));
  return reported;
}

// The files below the root of the instances `file_corrupt` events report:
// a start verifies them again until a person resolves them, walking or not
// (catalog/import/file_importer.h).
Result<std::vector<std::string>> FilesReportedCorrupt(index::IndexWriter& writer,
                                                      const storage::StorageLayout& layout,
                                                      const std::string& index_path) {
  std::set<std::string> instances;
  PIXELDEX_RETURN_IF_ERROR(
      ForEachEventIn(index_path, EventKind::kFileCorrupt,
                     [&](const std::string& sop_instance_uid, const std::string&) {
                       instances.insert(sop_instance_uid);
                     }));
  std::vector<std::string> files;
  for (const std::string& uid : instances) {
    auto copy = writer.FindCopy(uid);
    if (!copy.ok()) return copy.status();
    if (!copy->has_value() || std::filesystem::path((*copy)->path).is_absolute()) continue;
    if (FileExists(layout, (*copy)->path)) files.push_back(layout.FileOf((*copy)->path).string());
  }
  return files;
}

// One log line and one event per missing file.
void ReportMissing(ingest::IngestPipeline& pipeline, const MissingFile& missing, bool removed) {
  LogWarning("sop={}: the stored file {} is missing{}", missing.sop_instance_uid, missing.path,
             removed ? "; its rows were removed" : "");
  EventRecord event;
  event.kind = EventKind::kFileMissing;
  event.sop_instance_uid = missing.sop_instance_uid;
  event.detail = missing.path + (removed ? " (rows removed)" : "");
  pipeline.RecordEvent(std::move(event));
}

}  // namespace

Result<ReconcileReport> Reconcile(ingest::IngestPipeline& pipeline, storage::FileStore& store,
                                  index::IndexWriter& writer, const std::string& index_path,
                                  const ReconcileOptions& options) {
  ReconcileReport report;
  // Before the walk, so that no file of a deleted instance is cataloged again.
  auto finished = FinishInterruptedDeletes(store.file_system(), store.layout(), writer);
  if (!finished.ok()) return finished.status();
  report.deletes_finished = *finished;
  std::vector<JournalEntry> journal;
  if (options.use_journal) {
    journal = ReadJournal(store);
    report.journal_entries = static_cast<int64_t>(journal.size());
    report.walked = options.force_walk || !JournalComplete(store.layout()) ||
                    ServedAcrossAReboot(store.layout()) ||
                    std::any_of(journal.begin(), journal.end(),
                                [](const JournalEntry& e) { return !e.resolved; });
    // Never cataloged: a commit that stopped before its rename.
    RemoveCommittingLinks(store, journal);
  }
  std::vector<std::string> roots = {store.layout().root().string()};
  if (!report.walked) {
    auto corrupt = FilesReportedCorrupt(writer, store.layout(), index_path);
    if (!corrupt.ok()) return corrupt.status();
    roots = std::move(corrupt).value();
  }
  // A shared walk skips files with a second link, so this node's own
  // in-flight files are named too.
  if (!report.walked || options.shared_archive) {
    for (const JournalEntry& e : journal) {
      if (!e.committed_path.empty()) roots.push_back(e.committed_path);
    }
  }
  import::ImportOptions import_options;
  const int hardware = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  import_options.jobs =
      options.jobs > 0 ? options.jobs : std::min(64, kJobsPerHardwareThread * hardware);
  if (!report.walked) {
    import_options.jobs =
        std::max(1, std::min(import_options.jobs, static_cast<int>(roots.size())));
  }
  import_options.in_place = true;
  import_options.recatalog_unchanged = options.recatalog_all;
  import_options.accept_changed = options.accept_changed;
  import_options.source = ProvenanceSource::kReconcile;
  import_options.skip_files = IndexFiles(index_path);
  import_options.skip_linked_files = options.shared_archive;
  import_options.progress = options.progress;
  import_options.cancel = options.cancel;
  if (report.walked || !roots.empty()) {
    import::Importer importer(pipeline, store, index_path, import_options);
    auto cataloged = importer.Run(roots);
    if (!cataloged.ok()) return cataloged.status();
    report.cataloged = std::move(cataloged).value();
  }
  if (report.cataloged.cancelled) return report;
  if (options.use_journal) {
    std::set<std::string> failed;
    for (const import::ImportFailure& f : report.cataloged.failures) failed.insert(f.path);
    RemoveJournal(store, journal, failed);  // their files are cataloged now
    if (report.walked) {
      PIXELDEX_RETURN_IF_ERROR(MarkJournalComplete(store.file_system(), store.layout()));
    }
    PIXELDEX_RETURN_IF_ERROR(MarkServing(store.file_system(), store.layout()));
  }
  if (!report.walked) return report;

  auto candidates = RowsWithoutFile(store.layout(), index_path, &report.rows_checked);
  if (!candidates.ok()) return candidates.status();
  std::unordered_set<std::string> reported;
  if (!candidates->empty()) {
    auto already = AlreadyReported(index_path);
    if (!already.ok()) return already.status();
    reported = std::move(already).value();
  }
  for (MissingFile& candidate : *candidates) {
    // Under the instance's lock, which a store of it holds while it commits
    // the file and the rows: confirmed and removed with no store of the
    // same instance in between (IndexWriter::LockInstance).
    auto lock = writer.LockInstance(candidate.sop_instance_uid);
    if (!lock.ok()) return lock.status();
    auto missing = StillMissing(writer, store.layout(), candidate);
    if (!missing.ok()) return missing.status();
    if (!*missing) continue;
    const bool removed = options.remove_missing_rows && RemoveRows(writer, candidate);
    lock->reset();
    if (removed) ++report.rows_removed;
    if (removed || !reported.contains(ReportKey(candidate.sop_instance_uid, candidate.path))) {
      ReportMissing(pipeline, candidate, removed);
    } else {
      ++report.missing_reported_before;
    }
    report.missing.push_back(std::move(candidate));
  }
  return report;
}

std::vector<std::string> IndexFiles(const std::string& index_path) {
  return {index_path, index_path + "-wal", index_path + "-shm", index_path + "-journal",
          index::IndexLockFile::PathOf(index_path)};
}

void LogReport(const ReconcileReport& report, const std::string& when) {
  const import::ImportCounts& c = report.cataloged.counts;
  const int64_t cataloged = c.Of(import::FileResult::kImported) +
                            c.Of(import::FileResult::kReplaced) +
                            c.Of(import::FileResult::kRebuilt);
  const int64_t failed = c.Of(import::FileResult::kFailed);
  const int64_t corrupt = c.Of(import::FileResult::kCorrupt);
  const int64_t other = c.Of(import::FileResult::kNotDicom) +
                        c.Of(import::FileResult::kNotInstance) +
                        c.Of(import::FileResult::kDuplicateKept);
  const bool clean =
      cataloged == 0 && failed == 0 && corrupt == 0 && other == 0 && report.missing.empty();
  if (!report.walked) {
    Log(clean ? LogLevel::kInfo : LogLevel::kWarning,
        "reconciled the archive at {} from the in-flight journal, without walking it: {} "
        "in-flight file(s), {} cataloged, {} corrupt, {} left uncataloged, {} failed; {:.3f} s",
        when, report.journal_entries, cataloged, corrupt, other, failed,
        report.cataloged.elapsed_seconds);
  } else {
    Log(clean ? LogLevel::kInfo : LogLevel::kWarning,
        "reconciled the archive at {}: {} files ({} unchanged), {} cataloged, {} corrupt (content "
        "differs from the recorded SHA-256; left as is), {} left uncataloged (not DICOM, not an "
        "instance or another copy cataloged), {} failed; {} rows, {} with a missing file ({} "
        "removed, {} reported before); {:.1f} s",
        when, c.files_done, c.Of(import::FileResult::kUnchanged), cataloged, corrupt, other, failed,
        report.rows_checked, report.missing.size(), report.rows_removed,
        report.missing_reported_before, report.cataloged.elapsed_seconds);
  }
  for (const import::ImportFailure& f : report.cataloged.failures) {
    LogWarning("reconcile: cannot catalog {}: {}", f.path, f.reason);
  }
}

}  // namespace pixeldex::reconcile
