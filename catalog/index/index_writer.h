#pragma once
// IndexWriter: the one writer of the index, over an IndexBackend
// (index_backend.h): the SQLite file (Open) or PostgreSQL
// (postgres/pg_index_backend.h). Callers on any thread hand it
// InstanceRecords; they are applied in batches, one batch at a time, one
// transaction per batch (group commit), so that N concurrent stores cost one
// commit (one WAL fsync) instead of N. A caller that finds nothing committing
// and nothing queued commits its own batch on its thread (one sender: no
// hand-off to another thread and back); otherwise its jobs queue for the
// writer thread, which takes everything queued once the batch in progress
// is done. Write() returns only after the
// record's rows are committed durably or have failed; a batch the backend
// cannot commit (the database unavailable) fails every job in it.
//
// A batch's jobs are applied in one global lock order (lock_order.h), so
// that the writers of several nodes sharing one PostgreSQL database do not
// deadlock on each other's batches.
//
// A job that loses a transaction conflict with another writer of the same
// database (kAborted: a PostgreSQL deadlock or serialization failure; SQLite
// has one writer and never reports it) cannot pass in its own transaction,
// which still holds the locks of the batch's earlier jobs. Once the batch has
// committed, those jobs run again in a new transaction, up to
// kConflictAttempts transactions in all; only then does Write() report the
// conflict.
//
// A record replaces the rows of any instance with the same SOP Instance UID
// atomically (the index never holds two rows for one SOP Instance UID); series,
// studies and patients left without instances by a replacement are removed.
// A replacement and a removal lock the old rows in the same global order; a
// record that moves an instance to another patient, study or series runs in
// a transaction of its own, since the rows it locks lie at two places of
// that order.
//
// An exception escaping a transaction (a bug, out of memory) rolls it back
// and fails each of its jobs with an internal error; the writer goes on.

#include <array>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "catalog/common/history_record.h"
#include "catalog/common/instance_record.h"
#include "catalog/common/result.h"
#include "catalog/index/index_backend.h"
#include "catalog/index/lock_order.h"

namespace pixeldex::index {

struct IndexWriterOptions {
  // Most records committed in one transaction.
  size_t max_batch = 256;
  // Test seam: called on the writer thread inside a transaction before each
  // job is applied (again on each retry of a job). A test makes it throw to prove the writer's
  // catch boundary; empty in production.
  std::function<void()> before_apply;
};

// Counters that show the group commit at work.
struct IndexWriterStats {
  uint64_t transactions = 0;  // committed batches
  uint64_t jobs = 0;  // writes, removals, history records and protections in them
};

class IndexWriter {
 public:
  // Transactions a job that keeps losing conflicts is tried in.
  static constexpr int kConflictAttempts = 3;
  // The mutexes LockInstance spreads SOP Instance UIDs over.
  static constexpr size_t kInstanceStripes = 64;

  // Opens or creates the SQLite index file, migrating its schema.
  static Result<std::unique_ptr<IndexWriter>> Open(const std::string& path,
                                                   IndexWriterOptions options = {});
  // Writes through `backend` (opened and migrated by its owner).
  static std::unique_ptr<IndexWriter> Start(std::unique_ptr<IndexBackend> backend,
                                            IndexWriterOptions options = {});
  // Drains pending writes, then stops the writer thread.
  ~IndexWriter();

  // Thread-safe. Blocks until the record is committed or has failed.
  Result<WriteOutcome> Write(InstanceRecord record);

  // Thread-safe. Deletes the instance's rows (and parents left empty).
  // NotFound when there is no such instance.
  Status Remove(const std::string& sop_instance_uid);

  // Thread-safe. Appends to the operational history (tables associations
  // and events), through the same group commit as the instance rows.
  Status Record(AssociationRecord record);
  Status Record(EventRecord record);
  // Thread-safe. Deletes history older than `days` days.
  Status PruneHistory(int days);
  // Thread-safe. Lists a study in protected_studies (`pixeldex protect`,
  // catalog/reconcile/study_protection.h), or takes it off; protecting one
  // already listed keeps its first time and reason.
  Status Protect(const std::string& study_instance_uid, const std::string& reason);
  Status Unprotect(const std::string& study_instance_uid);

  // Thread-safe. Writes the thumbnail rows of `updates` (IndexBackend::
  // ReplaceThumbnail), all queued at once so that they share transactions;
  // for each update in order, whether its row was written (false: its
  // instance was removed or holds another file since). Errors: the first
  // update that failed; each fails alone, the others are written.
  Result<std::vector<bool>> ReplaceThumbnails(std::vector<ThumbnailUpdate> updates);

  IndexWriterStats stats() const;

  // Thread-safe. The committed copy of an instance, if it is cataloged. Reads
  // through the backend's own connection, so it never waits for a batch.
  Result<std::optional<CatalogedCopy>> FindCopy(const std::string& sop_instance_uid);
  // Thread-safe. The lock of one SOP Instance UID, which every store
  // (the ingest pipeline), delete (instance_deleter.h) and removal of rows
  // whose file is missing (reconciler.h) holds, so that they take turns:
  // first this writer's own (one of kInstanceStripes mutexes, so unrelated
  // UIDs mostly do not wait for each other), then the backend's, shared by
  // every process writing the index (IndexBackend::LockInstance). Waits
  // while another thread or process holds it; never nullptr. A thread holds
  // one at a time (a second of the same stripe would wait for itself),
  // releases it on the thread that took it (a std::mutex), and a lock must
  // not outlive its writer.
  Result<std::unique_ptr<InstanceLock>> LockInstance(const std::string& sop_instance_uid);
  // Thread-safe. The lock of recycling passes, likewise: this writer's,
  // then the backend's across processes (IndexBackend::LockRecycling).
  // Without `wait`, nullopt when another thread or process holds it.
  Result<std::optional<std::unique_ptr<InstanceLock>>> LockRecycling(bool wait);

 private:
  struct Job;
  class Held;
  IndexWriter(std::unique_ptr<IndexBackend> backend, IndexWriterOptions options);
  Result<WriteOutcome> Submit(std::unique_ptr<Job> job);
  // Queues `jobs` together and waits for their answers, in order.
  std::vector<Result<WriteOutcome>> Enqueue(std::vector<std::unique_ptr<Job>> jobs);
  // The writer thread.
  void Run();
  // Marks a batch in progress and takes the queued jobs for it (mutex_ held).
  std::deque<std::unique_ptr<Job>> TakeBatch(std::unique_lock<std::mutex>& held);
  // Commits a taken batch (mutex_ not held); each job's answer, in the
  // batch's order.
  std::vector<Result<WriteOutcome>> CommitTaken(const std::deque<std::unique_ptr<Job>>& batch);
  // What each job of `batch` locks, for LockOrder.
  static std::vector<std::optional<RowLockKey>> LockKeysOf(
      const std::deque<std::unique_ptr<Job>>& batch);
  // A job's result, or nullopt for one deferred to a transaction of its own.
  using JobResult = std::optional<Result<WriteOutcome>>;
  // CommitWithDeferred for `jobs`, then again for those that lost a conflict,
  // up to kConflictAttempts in all; one result per job, in order.
  std::vector<Result<WriteOutcome>> CommitRetryingConflicts(const std::vector<const Job*>& jobs);
  // CommitGuarded for `jobs`, then for each job it deferred, in order, a
  // transaction of its own.
  std::vector<Result<WriteOutcome>> CommitWithDeferred(const std::vector<const Job*>& jobs);
  // CommitBatch inside the catch boundary, which fails the jobs of a
  // transaction that threw.
  std::vector<JobResult> CommitGuarded(const std::vector<const Job*>& jobs);
  // One transaction for `jobs`; one result per job, in order.
  std::vector<JobResult> CommitBatch(const std::vector<const Job*>& jobs);
  // `alone`: the only job of its transaction.
  JobResult Apply(const Job& job, const std::string& now, bool alone);
  // The SOP Instance UID a store or removal writes; nullptr for other jobs.
  static const std::string* InstanceUidOf(const Job& job);

  std::unique_ptr<IndexBackend> backend_;
  IndexWriterOptions options_;
  mutable std::mutex mutex_;
  IndexWriterStats stats_;  // guarded by mutex_
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Job>> queue_;
  bool committing_ = false;  // a batch is in progress (on any thread); guarded by mutex_
  bool stopping_ = false;
  std::thread thread_;
  // This process's side of LockInstance and LockRecycling.
  std::array<std::mutex, kInstanceStripes> instance_stripes_;
  std::mutex recycling_;
};

}  // namespace pixeldex::index
