#pragma once
// IngestPipeline: the one path every instance takes into the catalog, whether
// it arrived by C-STORE or from `pixeldex import`, so that both produce
// identical rows. For one file it:
//   1. validates   parses the dataset (a file of up to 64 KiB is read once
//                  and checked, parsed and hashed from memory, and so is
//                  a file whose bytes the receiver kept: ReceivedCopy); SOP
//                  Class/Instance, Study and Series UIDs present and
//                  equal to what the sender announced
//   2. extracts    file facts and every header attribute (DICOM JSON)
//   3. renders     the thumbnail (a failure is recorded, never fatal)
//   4. stores      atomic, fsync'd move into the layout
//                  (FileStore::CommitWhileSyncing: the file's and its
//                  directory's fsyncs at once)
//   5. indexes     rows committed through the group-committing IndexWriter
// and reports success only when 4 and 5 are durable. Undecodable text, replaced and kept
// duplicates and thumbnail decode errors are recorded as events. On any failure nothing
// is left behind: the incoming file is discarded and a stored file whose rows
// could not be written is removed again. Thread-safe; one pipeline serves all
// associations and import workers. Steps 4 and 5, and the duplicate check
// before them, run under the instance's lock (IndexWriter::LockInstance), so
// the stores and deletes of one SOP Instance UID take turns, in this process
// and in every other writing the index.

#include <chrono>
#include <functional>
#include <string>

#include "catalog/common/cached_thread_pool.h"
#include "catalog/common/instance_record.h"
#include "catalog/common/result.h"
#include "catalog/common/unique_fd.h"
#include "catalog/index/index_writer.h"
#include "catalog/ingest/duplicate_policy.h"
#include "catalog/ingest/fsync_cost.h"
#include "catalog/storage/file_store.h"
#include "catalog/thumbnail/thumbnail_options.h"

namespace pixeldex::ingest {

struct IngestOptions {
  DuplicatePolicy duplicates = DuplicatePolicy::kReplace;
  bool thumbnails = true;
  thumbnail::ThumbnailOptions thumbnail;
  // A file's fsync runs on the ingesting thread while recent ones took less
  // (fsync_cost.h); the fault tests take either route with zero or an hour.
  std::chrono::microseconds fsync_inline_below = FsyncCost::kOverlapWorthAbove;
};

struct IngestOutcome;

struct IngestRequest {
  // A file in the store's incoming directory; the pipeline moves it into the
  // layout or discards it. Always consumed, unless `in_place`.
  std::string incoming_path;
  // Catalog the file where it is (pixeldex import --in-place, reconcile):
  // nothing is moved or removed. The index records the path relative to the
  // storage root for a file below it (StorageLayout::RecordedPath), else its
  // absolute path. A file below the root is already part of the archive, so
  // storage.duplicates does not apply to it: cataloged again at the same
  // path, its rows are replaced but keep their reception facts (received_at,
  // who sent it); when the instance is cataloged at another path whose file
  // exists, that copy stays cataloged and this file is left alone (event
  // duplicate_in_layout). Files are never deleted for it.
  bool in_place = false;
  // The file's SHA-256 (lowercase hex) when the caller has just computed it
  // (a file cataloged in place, a STOW-RS part hashed as it was written),
  // so that the file is not read again to hash it; empty otherwise (a
  // C-STORE data set, hashed off the association's receive path: a file of
  // up to 64 KiB from the bytes the pipeline read to parse it, a larger one
  // by the file worker beside the parse). It is recorded as the file's hash
  // unchecked.
  std::string sha256;
  // From the C-STORE request; empty for imports (then not checked).
  std::string expected_sop_class_uid;
  std::string expected_sop_instance_uid;
  // From a STOW-RS request to /studies/{study} (PS3.18 10.5.1); empty
  // otherwise (then not checked).
  std::string expected_study_instance_uid;
  Provenance provenance;
  // Called on the ingesting thread, once, as soon as the instance is
  // stored, replaced or recataloged: its file and rows durable, every event
  // recorded, the outcome final (Ingest then returns it). What is left
  // after it is tidying (the incoming name's removal, the parsed data set,
  // the instance's lock), so a C-STORE is answered from here and its sender
  // does not wait for that. Not called when Ingest fails or keeps another
  // copy. Empty: nothing is called.
  std::function<void(const IngestOutcome&)> on_indexed;
};

// The incoming file's bytes as its receiver wrote them, kept in memory so
// that the pipeline checks, parses, hashes and renders them without reading
// the file back (a C-STORE data set: store_handler.cpp; an imported file).
// `bytes` is the whole file; empty: nothing was kept (the file is read from
// disk). The pipeline uses
// the copy only when its size is the file's, and gives the string back (its
// capacity too) before Ingest returns, so that a receiver can keep one for
// all its data sets. `file`, when the receiver still has the incoming file
// open for reading, is the descriptor the pipeline then uses instead of
// opening the file again (stat, reading, fsync); Ingest takes it and closes
// it before returning.
struct ReceivedCopy {
  std::string bytes;
  UniqueFd file;
};

// kRecataloged: cataloged in place at the very path the instance's row
// recorded (reindex, reconcile): its rows are rebuilt; nothing was replaced.
enum class Disposition { kStored, kReplaced, kKeptExisting, kRecataloged };

struct IngestOutcome {
  Disposition disposition = Disposition::kStored;
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::string study_instance_uid;
  std::string series_instance_uid;
  std::string relative_path;
  int64_t size_bytes = 0;
  ThumbnailStatus thumbnail_status = ThumbnailStatus::kDisabled;
  std::string thumbnail_reason;  // kDecodeError: what went wrong
  std::string warning;  // non-fatal problem worth a log line

  // The instance has pixel data whose thumbnail could not be rendered.
  bool thumbnail_failed() const { return thumbnail_status == ThumbnailStatus::kDecodeError; }
};

class IngestPipeline {
 public:
  IngestPipeline(storage::FileStore& store, index::IndexWriter& writer, IngestOptions options);

  // Errors: kCorruption (not a readable dataset), kInvalidArgument (identity
  // missing or not matching the request), kAlreadyExists (kReject policy),
  // kResourceExhausted / kIoError (disk), kInternal.
  // `received`: the file's bytes if its receiver kept them (may be null).
  Result<IngestOutcome> Ingest(const IngestRequest& request, ReceivedCopy* received = nullptr);

  const IngestOptions& options() const { return options_; }

  // Appends an event to the index's history (e.g. an import failure found
  // before the pipeline ran); a failure to record is logged, not returned.
  void RecordEvent(EventRecord event);

 private:
  // For a file below the root cataloged in place, with `existing` the row
  // of its SOP Instance UID: true when that row stays (outcome filled in).
  bool KeepsOtherCopy(const index::CatalogedCopy& existing, InstanceRecord& record,
                      IngestOutcome& outcome, const IngestRequest& request);
  void RecordEvent(EventKind kind, const IngestOutcome& outcome,
                   const IngestRequest& request, const std::string& detail);

  storage::FileStore& store_;
  index::IndexWriter& writer_;
  IngestOptions options_;
  // Fsync each file (unless fsyncs are cheaper than the hand-off:
  // fsync_cost.h), and hash one of over 64 KiB, beside the thread that
  // ingests it (one or two workers per concurrent ingest, reused across
  // instances).
  CachedThreadPool file_workers_;
  FsyncCost fsync_cost_;
};

}  // namespace pixeldex::ingest
