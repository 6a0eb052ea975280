#pragma once
// SqliteIndexBackend: the IndexBackend (index_backend.h) of the SQLite index
// file. Opening it creates or migrates the schema (schema.h). The batch is
// one BEGIN IMMEDIATE transaction, committed with synchronous=FULL, and each
// job of several a SAVEPOINT; statements are prepared once (RecordStatements,
// HistoryStatements). FindCopy reads through a second, read-only connection,
// so it never waits for a batch to commit. LockInstance and LockRecycling
// lock bytes of the file `<index>.locks` (index_lock_file.h), which every
// process writing the index shares.

#include <memory>
#include <mutex>
#include <string>

#include "catalog/common/result.h"
#include "catalog/index/index_backend.h"
#include "catalog/index/index_lock_file.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {

class RecordStatements;
class HistoryStatements;

class SqliteIndexBackend final : public IndexBackend {
 public:
  static Result<std::unique_ptr<SqliteIndexBackend>> Open(const std::string& path);
  ~SqliteIndexBackend() override;

  Status InTransaction(const std::function<Status()>& body) override;
  void Abandon() override;
  Status BeginJob() override;
  Status EndJob(bool keep) override;
  Result<std::optional<StoredInstance>> FindStored(const std::string& sop_instance_uid) override;
  Result<int64_t> UpsertParents(const InstanceRecord& record, const std::string& now) override;
  Result<int64_t> InsertInstance(const InstanceRecord& record, int64_t series_pk) override;
  // BEGIN IMMEDIATE took the database's one write lock (SQLite "Transaction"):
  // no row has a lock of its own.
  Status LockParent(const StoredInstance&, EntityLevel) override { return Status::Ok(); }
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
    return locks_.LockInstance(sop_instance_uid);
  }
  Result<std::optional<std::unique_ptr<InstanceLock>>> LockRecycling(bool wait) override {
    return locks_.LockRecycling(wait);
  }

 private:
  struct TransactionStatements;
  SqliteIndexBackend(Db db, Db reader, const std::string& path);

  Db db_;
  std::mutex reader_mutex_;
  Db reader_;  // guarded by reader_mutex_
  std::unique_ptr<RecordStatements> statements_;
  std::unique_ptr<HistoryStatements> history_;
  std::unique_ptr<TransactionStatements> transactions_;
  IndexLockFile locks_;
};

}  // namespace pixeldex::index
