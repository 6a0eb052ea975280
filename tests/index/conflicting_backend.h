#pragma once
// ConflictingBackend: an IndexBackend that passes everything to another one
// (the SQLite backend in the tests) except what a test tells it to fail with
// kAborted, the transaction conflict a PostgreSQL deadlock or serialization
// failure becomes (catalog/index/postgres/pg_error.h): the rows of one SOP
// Instance UID, a chosen number of times, and the commit of a chosen number
// of transactions. It counts the inserts it was asked for per SOP Instance
// UID, and keeps the SOP Instance UIDs each transaction inserted, in order. Called by the writer thread only, like any backend; the counters are
// read once the writes have returned.

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "catalog/index/index_backend.h"

namespace pixeldex::testing {

class ConflictingBackend final : public index::IndexBackend {
 public:
  explicit ConflictingBackend(std::unique_ptr<index::IndexBackend> inner)
      : inner_(std::move(inner)) {}

  // The next `times` inserts of `sop_instance_uid` fail with kAborted.
  void FailInserts(const std::string& sop_instance_uid, int times) {
    insert_conflicts_[sop_instance_uid] = times;
  }
  // The next `times` transactions fail to commit with kAborted.
  void FailCommits(int times) { commit_conflicts_ = times; }
  int InsertsOf(const std::string& sop_instance_uid) const {
    auto it = inserts_.find(sop_instance_uid);
    return it == inserts_.end() ? 0 : it->second;
  }
  // The SOP Instance UIDs each transaction inserted, in the order it did.
  const std::vector<std::vector<std::string>>& InsertsByTransaction() const {
    return transactions_;
  }

  Status InTransaction(const std::function<Status()>& body) override {
    transactions_.emplace_back();
    return inner_->InTransaction([&]() -> Status {
      PIXELDEX_RETURN_IF_ERROR(body());
      if (commit_conflicts_ == 0) return Status::Ok();
      --commit_conflicts_;
      return Status::Aborted("injected: could not serialize access at commit");
    });
  }
  void Abandon() override { inner_->Abandon(); }
  Status BeginJob() override { return inner_->BeginJob(); }
  Status EndJob(bool keep) override { return inner_->EndJob(keep); }
  Result<std::optional<index::StoredInstance>> FindStored(const std::string& uid) override {
    return inner_->FindStored(uid);
  }
  // A record's rows are written from its parents' upsert on: its conflicts
  // are injected there.
  Result<int64_t> UpsertParents(const InstanceRecord& record, const std::string& now) override {
    const std::string& uid = record.instance.sop_instance_uid;
    ++inserts_[uid];
    if (!transactions_.empty()) transactions_.back().push_back(uid);
    auto it = insert_conflicts_.find(uid);
    if (it != insert_conflicts_.end() && it->second > 0) {
      --it->second;
      return Status::Aborted("injected: deadlock detected");
    }
    return inner_->UpsertParents(record, now);
  }
  Result<int64_t> InsertInstance(const InstanceRecord& record, int64_t series_pk) override {
    return inner_->InsertInstance(record, series_pk);
  }
  Status LockParent(const index::StoredInstance& stored, EntityLevel level) override {
    return inner_->LockParent(stored, level);
  }
  Status DeleteInstanceRow(const index::StoredInstance& stored) override {
    return inner_->DeleteInstanceRow(stored);
  }
  Status DeleteEmptyParents(const index::StoredInstance& stored) override {
    return inner_->DeleteEmptyParents(stored);
  }
  Status Insert(const AssociationRecord& record) override { return inner_->Insert(record); }
  Status Insert(const EventRecord& record, const std::string& now) override {
    return inner_->Insert(record, now);
  }
  Status PruneHistoryBefore(const std::string& cutoff) override {
    return inner_->PruneHistoryBefore(cutoff);
  }
  Result<bool> ReplaceThumbnail(const index::ThumbnailUpdate& update) override {
    return inner_->ReplaceThumbnail(update);
  }
  Status Protect(const std::string& study_uid, const std::string& reason,
                 const std::string& now) override {
    return inner_->Protect(study_uid, reason, now);
  }
  Status Unprotect(const std::string& study_uid) override { return inner_->Unprotect(study_uid); }
  Result<std::optional<index::CatalogedCopy>> FindCopy(const std::string& uid) override {
    return inner_->FindCopy(uid);
  }
  Result<std::unique_ptr<index::InstanceLock>> LockInstance(const std::string& uid) override {
    return inner_->LockInstance(uid);
  }
  Result<std::optional<std::unique_ptr<index::InstanceLock>>> LockRecycling(bool wait) override {
    return inner_->LockRecycling(wait);
  }

 private:
  std::unique_ptr<index::IndexBackend> inner_;
  std::map<std::string, int> insert_conflicts_;
  std::map<std::string, int> inserts_;
  std::vector<std::vector<std::string>> transactions_;
  int commit_conflicts_ = 0;
};

}  // namespace pixeldex::testing
