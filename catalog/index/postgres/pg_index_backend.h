#pragma once
// PgIndexBackend: the IndexBackend (catalog/index/index_backend.h) of a
// PostgreSQL index, so that IndexWriter's group commit, replace and remove
// semantics and the ingest pipeline's duplicates policy hold on PostgreSQL
// as on SQLite. Open connects (pg_connection.h) and migrates the schema
// (pg_schema.h).
//
// One batch is one transaction (BEGIN ... COMMIT), each job of several a SAVEPOINT
// (SQL command reference, SAVEPOINT / ROLLBACK TO SAVEPOINT); patients,
// studies and series are upserted with INSERT ... ON CONFLICT DO UPDATE, the
// header goes in as jsonb (an escaped NUL, which jsonb refuses, as U+FFFD),
// the thumbnail as bytea, every value a bound
// parameter (WriterSql, writer_sql.h) of a statement prepared once per
// session (PgConnection::ExecPrepared). COMMIT returns once the commit is
// flushed to the server's WAL under its default synchronous_commit = on
// (PostgreSQL documentation 20.5.1 "Settings"). LockParent is SELECT ... FOR
// UPDATE, the row lock a DELETE takes (SQL command reference, SELECT, "The
// Locking Clause"; documentation 13.3.2 "Row-Level Locks").
//
// A connection lost during a batch fails the whole batch with kIoError
// "database unavailable" (never half a batch: the statements after a
// reconnect would run outside the transaction); a BEGIN that finds the
// connection lost between batches is tried once more on a new connection,
// since nothing ran yet. FindCopy reads through a second connection, and
// is likewise tried once more when it finds that connection lost.
// LockInstance takes an advisory lock shared by every process on the
// database (pg_instance_locks.h); LockRecycling another, on the name
// kRecyclingLockName, so that one node at a time runs a recycling pass.

#include <memory>
#include <mutex>
#include <string_view>

#include "catalog/common/result.h"
#include "catalog/index/index_backend.h"
#include "catalog/index/postgres/pg_connection.h"
#include "catalog/index/postgres/pg_instance_locks.h"

namespace pixeldex::index::postgres {

class PgIndexBackend final : public IndexBackend {
 public:
  // The name whose advisory lock key (PgInstanceLocks::KeyOf) a recycling
  // pass holds; no SOP Instance UID (only digits and dots) spells it.
  static constexpr const char* kRecyclingLockName = "pixeldex recycling";

  // kInvalidArgument for a URI that is not postgresql://, kIoError "database
  // unavailable" when the server cannot be reached, the migration's errors.
  static Result<std::unique_ptr<PgIndexBackend>> Open(std::string_view uri);

  Status InTransaction(const std::function<Status()>& body) override;
  void Abandon() override;
  Status BeginJob() override;
  Status EndJob(bool keep) override;
  Result<std::optional<StoredInstance>> FindStored(const std::string& sop_instance_uid) override;
  Result<int64_t> UpsertParents(const InstanceRecord& record, const std::string& now) override;
  Result<int64_t> InsertInstance(const InstanceRecord& record, int64_t series_pk) override;
  Status LockParent(const StoredInstance& stored, EntityLevel level) override;
  Status DeleteInstanceRow(const StoredInstance& stored) override;
  Status DeleteEmptyParents(const StoredInstance& stored) override;
  Status Insert(const AssociationRecord& record) override;
  Status Insert(const EventRecord& record, const std::string& now) override;
  Status PruneHistoryBefore(const std::string& cutoff) override;
  Status Protect(const std::string& study_instance_uid, const std::string& reason,
                 const std::string& now) override;
  Status Unprotect(const std::string& study_instance_uid) override;
  Result<bool> ReplaceThumbnail(const ThumbnailUpdate& update) override;
  Result<std::optional<CatalogedCopy>> FindCopy(const std::string& sop_instance_uid) override;
  Result<std::unique_ptr<InstanceLock>> LockInstance(const std::string& sop_instance_uid) override {
    return locks_.Lock(sop_instance_uid);
  }
  Result<std::optional<std::unique_ptr<InstanceLock>>> LockRecycling(bool wait) override;

 private:
  PgIndexBackend(PgConnection writer, PgConnection reader, std::string uri);
  Result<int64_t> UpsertPatient(const InstanceRecord& record, const std::string& now);
  // kIoError when the writer's connection was made again since the batch began.
  Status CheckSameSession() const;

  PgConnection writer_;
  uint64_t batch_session_ = 0;  // writer_.sessions() when the batch began
  std::mutex reader_mutex_;
  PgConnection reader_;  // guarded by reader_mutex_
  PgInstanceLocks locks_;
};

}  // namespace pixeldex::index::postgres
