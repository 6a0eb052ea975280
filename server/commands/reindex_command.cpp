// `pixeldex reindex`: rebuild the index from the storage tree, in place,
// while a server may keep running (catalog/reconcile).

#include <unistd.h>

#include <cstdio>

#include "catalog/common/log.h"
#include "catalog/index/postgres/pg_uri.h"
#include "catalog/reconcile/reconciler.h"
#include "server/cli/command_line.h"
#include "server/commands/commands.h"
#include "server/commands/writable_archive.h"

namespace pixeldex::server {
namespace {

constexpr const char* kReindexDescription =
    "Rebuild the index from the storage tree, which is the source of truth. Every file\n"
    "below the storage root (except .incoming/) is cataloged again through the same\n"
    "pipeline as a received instance, on every core: header, key attributes, file facts\n"
    "and thumbnail are extracted anew, and its path is recorded relative to the root.\n"
    "When and from whom an instance was received is kept from its old row. Then the rows\n"
    "of instances whose file is gone are deleted (each logged, and recorded as an event\n"
    "file_missing). Stored files are never changed or deleted. A file whose SOP Instance\n"
    "UID is already cataloged at another path that exists is left uncataloged (event\n"
    "duplicate_in_layout); 'pixeldex check' lists it as extra.\n"
    "\n"
    "Integrity is never rewritten silently: a file whose content no longer matches the\n"
    "SHA-256 its row records (a flipped bit, a truncation, an edit) is not cataloged\n"
    "again. It is reported as corrupt (logged, event file_corrupt, exit status 1), its\n"
    "rows stay as they were, and it is reported again by every reindex, check and server\n"
    "start until a person decides: restore the file from a copy, have the instance sent\n"
    "again, or accept the file as it is now with --accept-changed.\n"
    "\n"
    "The index is rebuilt in place, one instance at a time, so it is safe while\n"
    "'pixeldex serve' runs on the same archive: each instance's rows are replaced in one\n"
    "transaction, and C-FIND and sqlite3 readers see every instance throughout (its old\n"
    "rows until the new ones commit). A missing index file is created; if the index file\n"
    "itself is damaged, stop the server, move index.db (and index.db-wal) aside, and run\n"
    "reindex to build a new one. Rows of files imported with --in-place from outside the\n"
    "storage root are kept while their file exists (re-run that import to refresh them).\n"
    "Each instance is cataloged, and a missing one's rows removed, under the lock of its\n"
    "UID that every store and delete takes (on SQLite in index.db.locks beside the index).\n"
    "On a PostgreSQL index the same holds beside every node that shares it; files a node\n"
    "has in flight (a second link in .incoming/) are left to that node.\n"
    "See README, \"Crash safety and reconciliation\".";

constexpr const char* kReindexEpilogue =
    "\noutput:\n"
    "  On a terminal, stderr shows a progress line. At the end stdout gets the summary:\n"
    "  files rebuilt (cataloged again where their rows said), new (no row before), moved\n"
    "  (found at another path than recorded), corrupt, left uncataloged, not DICOM, not\n"
    "  an instance (a DICOMDIR) and failed (with the first failures), then the rows\n"
    "  checked, the rows removed because their file is missing, and each missing file.\n"
    "\n"
    "exit status:\n"
    "  0  every file below the root was cataloged\n"
    "  1  some files failed or are corrupt, or the archive could not be opened\n"
    "  2  usage error\n"
    "  130  interrupted by a signal (the index is consistent; re-run to finish)\n"
    "\n"
    "examples:\n"
    "  pixeldex reindex --config /etc/pixeldex.conf\n"
    "  pixeldex reindex --jobs 4 --storage var/storage --index var/index.db\n";

int Reindex(const Settings& settings, reconcile::ReconcileOptions options) {
  auto archive = OpenWritableArchive(settings);
  if (archive == nullptr) return 1;
  // On PostgreSQL other nodes may be storing: their in-flight files (a
  // second link) are theirs to catalog (catalog/reconcile/reconciler.h).
  options.shared_archive = archive->on_postgres();
  auto report = reconcile::Reconcile(archive->pipeline(), archive->store(), archive->writer(),
                                     settings.storage.index, options);
  if (!report.ok()) {
    LogError("reindex failed: {}", report.status().ToString());
    return 1;
  }
  std::string out = import::FormatReindexSummary(report->cataloged);
  if (!report->cataloged.cancelled) {
    out += fmt::format("rows: {} checked, {} missing, {} removed (file missing)\n",
                       report->rows_checked, report->missing.size(), report->rows_removed);
    for (const reconcile::MissingFile& m : report->missing) {
      out += fmt::format("  missing {} {}\n", m.sop_instance_uid, m.path);
    }
  }
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  if (report->cataloged.cancelled) return 130;
  return report->cataloged.counts.NeedingAttention() > 0 ? 1 : 0;
}

}  // namespace

int RunReindex(int argc, char** argv) {
  ReconcileCommandLine command("pixeldex reindex [options]", kReindexDescription);
  reconcile::ReconcileOptions& options = command.options;
  options.recatalog_all = true;
  options.remove_missing_rows = true;
  command.parser.Flag("--accept-changed",
                      "catalog files whose content no longer matches their recorded SHA-256 as "
                      "they are now, instead of reporting them as corrupt",
                      [&] {
                        options.accept_changed = true;
                        return Status::Ok();
                      });
  ParsedCommandLine command_line = command.Parse(argc, argv, "reindex", kReindexEpilogue);
  if (!command_line.settings) return command_line.exit_code;
  options.cancel = CancelOnSignals();
  if (::isatty(STDERR_FILENO)) options.progress = stderr;
  return Reindex(*command_line.settings, options);
}

}  // namespace pixeldex::server
