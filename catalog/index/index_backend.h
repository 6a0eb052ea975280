#pragma once
// IndexBackend: the rows the index writer (index_writer.h) needs from a
// database, so that one writer, with its group commit and its replace/remove
// semantics, runs over SQLite (sqlite_index_backend.h) and PostgreSQL
// (postgres/pg_index_backend.h) alike. A backend only stores and deletes
// rows; what a write means (an instance replaces the rows of the same SOP
// Instance UID, parents left empty go) is decided by IndexWriter, once.
//
// Threads: every method but FindCopy, LockInstance and LockRecycling is
// called by the writer thread only, and
// all but InTransaction and Abandon only inside the body of InTransaction.
// FindCopy is thread-safe and reads committed rows only; LockInstance and
// LockRecycling are thread-safe.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "catalog/common/history_record.h"
#include "catalog/common/instance_record.h"
#include "catalog/common/result.h"
#include "catalog/index/lock_order.h"

namespace pixeldex::index {

struct WriteOutcome {
  int64_t instance_pk = 0;
  bool replaced = false;          // an instance with this SOP Instance UID existed
  std::string replaced_path;      // its stored path, when replaced
};

// What the index says about the cataloged copy of an instance.
struct CatalogedCopy {
  std::string path;  // as recorded: relative to the storage root, or absolute
  std::string received_at;
  Provenance provenance;
};

// The keys of a stored instance's rows, from its SOP Instance UID.
struct StoredInstance {
  int64_t instance_pk = 0;
  int64_t series_pk = 0;
  int64_t study_pk = 0;
  int64_t patient_pk = 0;
  std::string path;
  RowLockKey rows;  // the UIDs of its rows, for the lock order (lock_order.h)
};

// A thumbnail rendered again from a cataloged file (`pixeldex thumbnails`).
struct ThumbnailUpdate {
  int64_t instance_pk = 0;
  std::string sha256;  // of the file it was rendered from, as instances.sha256 recorded it
  ThumbnailRecord thumbnail;
};

// Held while one SOP Instance UID is stored or deleted
// (IndexBackend::LockInstance), or while a recycling pass runs
// (LockRecycling); released when destroyed.
class InstanceLock {
 public:
  virtual ~InstanceLock() = default;
};

class IndexBackend {
 public:
  virtual ~IndexBackend() = default;

  // Runs `body` in one transaction: commits (durably) when it returns Ok,
  // else rolls back and returns body's Status. A failure to begin or commit
  // (the database unavailable: kIoError) is returned and nothing is kept.
  virtual Status InTransaction(const std::function<Status()>& body) = 0;
  // Rolls back whatever transaction an exception left open; none is fine.
  virtual void Abandon() = 0;

  // One job's savepoint: BeginJob opens it, EndJob(true) keeps the job's
  // changes, EndJob(false) undoes them; the transaction goes on either way.
  // The writer opens none for a job alone in its transaction (one sender's
  // usual batch): that job's failure rolls the transaction back instead.
  virtual Status BeginJob() = 0;
  virtual Status EndJob(bool keep) = 0;

  virtual Result<std::optional<StoredInstance>> FindStored(const std::string& sop_instance_uid) = 0;
  // Creates or updates the record's patient, study and series, in that order;
  // `now` is stored as updated_at. Returns the series' key.
  virtual Result<int64_t> UpsertParents(const InstanceRecord& record, const std::string& now) = 0;
  // Inserts the record's rows (instance, header, thumbnail when it has one)
  // into the series `series_pk` (UpsertParents). Returns the instance's key.
  virtual Result<int64_t> InsertInstance(const InstanceRecord& record, int64_t series_pk) = 0;
  // Locks the stored instance's parent row at `level` (patient, study or
  // series) as deleting it would, so that the writer takes it in the global
  // lock order (lock_order.h). A backend whose transaction holds the whole
  // database (SQLite) has nothing to do.
  virtual Status LockParent(const StoredInstance& stored, EntityLevel level) = 0;
  // Deletes the instance's rows (header and thumbnail cascade).
  virtual Status DeleteInstanceRow(const StoredInstance& stored) = 0;
  // Deletes the instance's former series, study and patient if left empty.
  virtual Status DeleteEmptyParents(const StoredInstance& stored) = 0;

  virtual Status Insert(const AssociationRecord& record) = 0;
  // `now` becomes the event's time.
  virtual Status Insert(const EventRecord& record, const std::string& now) = 0;
  // Deletes history older than `cutoff` (ISO 8601 UTC).
  virtual Status PruneHistoryBefore(const std::string& cutoff) = 0;
  // Lists a study in protected_studies (`now` its protected_at, `reason`
  // NULL when empty); one already listed keeps its row. Unprotect takes it off.
  virtual Status Protect(const std::string& study_instance_uid, const std::string& reason,
                         const std::string& now) = 0;
  virtual Status Unprotect(const std::string& study_instance_uid) = 0;
  // Inserts or replaces the thumbnail row of update.instance_pk (size and
  // PNG only for a rendered one, else NULL) when that instance still records
  // update.sha256. False, and nothing written, when it does not: removed, or
  // replaced by another file since it was rendered.
  virtual Result<bool> ReplaceThumbnail(const ThumbnailUpdate& update) = 0;

  virtual Result<std::optional<CatalogedCopy>> FindCopy(const std::string& sop_instance_uid) = 0;

  // Makes the stores and deletes of one SOP Instance UID by several
  // processes take turns (a server and `pixeldex delete` or `import` beside
  // it on a SQLite index, the nodes of one PostgreSQL database): the ingest
  // pipeline decides on a duplicate, commits the file and writes the rows
  // under it; the deleter (catalog/reconcile/instance_deleter.h) moves the
  // file away and removes the rows under it. Waits while another holder has
  // it. SQLite: a byte of the lock file beside the index (index_lock_file.h);
  // PostgreSQL: an advisory lock (pg_instance_locks.h). Each lock taken
  // conflicts with every other of the same UID, in this process too; the
  // threads of one process take turns before it (IndexWriter::LockInstance).
  virtual Result<std::unique_ptr<InstanceLock>> LockInstance(
      const std::string& sop_instance_uid) = 0;

  // Makes the recycling passes (retention, recycling to storage.max_size_mb)
  // of several processes take turns, so that one pass at a time selects and
  // deletes: two would delete one instance twice and count its bytes twice.
  // With `wait`, waits while another holds it; without, nullopt when
  // another holds it. On the same lock file or database as LockInstance.
  virtual Result<std::optional<std::unique_ptr<InstanceLock>>> LockRecycling(bool wait) = 0;
};

// The CatalogedCopy of one row of `instances` read as text: path,
// received_at, source, calling_aet, called_aet, peer_address (the columns of
// WriterSql::find_copy). kCorruption for a source no build knows.
Result<CatalogedCopy> CatalogedCopyOf(const std::string& sop_instance_uid, std::string path,
                                      std::string received_at, const std::string& source,
                                      std::string calling_aet, std::string called_aet,
                                      std::string peer_address);

}  // namespace pixeldex::index
