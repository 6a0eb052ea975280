#include "catalog/index/index_writer.h"

#include <algorithm>
#include <set>
#include <variant>

#include "catalog/common/clock.h"
#include "catalog/common/exception_boundary.h"
#include "catalog/common/fnv1a.h"
#include "catalog/common/log.h"
#include "catalog/index/sqlite_index_backend.h"

namespace pixeldex::index {

struct IndexWriter::Job {
  struct Remove {
    std::string sop_instance_uid;
  };
  struct Prune {
    std::string cutoff;
  };
  struct Protection {
    std::string study_instance_uid;
    std::optional<std::string> reason;  // nullopt: take the study off the list
  };
  std::variant<InstanceRecord, Remove, AssociationRecord, EventRecord, Prune, Protection,
               ThumbnailUpdate>
      what;
  std::promise<Result<WriteOutcome>> done;
};

Result<std::unique_ptr<IndexWriter>> IndexWriter::Open(const std::string& path,
                                                       IndexWriterOptions options) {
  auto backend = SqliteIndexBackend::Open(path);
  if (!backend.ok()) return backend.status();
  return Start(std::move(backend).value(), std::move(options));
}

std::unique_ptr<IndexWriter> IndexWriter::Start(std::unique_ptr<IndexBackend> backend,
                                                IndexWriterOptions options) {
  std::unique_ptr<IndexWriter> writer(new IndexWriter(std::move(backend), std::move(options)));
  writer->thread_ = std::thread([w = writer.get()] { w->Run(); });
  return writer;
}

IndexWriter::IndexWriter(std::unique_ptr<IndexBackend> backend, IndexWriterOptions options)
    : backend_(std::move(backend)), options_(std::move(options)) {}

IndexWriter::~IndexWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<WriteOutcome> IndexWriter::Write(InstanceRecord record) {
  auto job = std::make_unique<Job>();
  job->what = std::move(record);
  return Submit(std::move(job));
}

Status IndexWriter::Remove(const std::string& sop_instance_uid) {
  auto job = std::make_unique<Job>();
  job->what = Job::Remove{sop_instance_uid};
  return Submit(std::move(job)).status();
}

Status IndexWriter::Record(AssociationRecord record) {
  auto job = std::make_unique<Job>();
  job->what = std::move(record);
  return Submit(std::move(job)).status();
}

Status IndexWriter::Record(EventRecord record) {
  auto job = std::make_unique<Job>();
  job->what = std::move(record);
  return Submit(std::move(job)).status();
}

Status IndexWriter::PruneHistory(int days) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  now.tv_sec -= static_cast<time_t>(days) * 86400;
  auto job = std::make_unique<Job>();
  job->what = Job::Prune{ToIso8601(now)};
  return Submit(std::move(job)).status();
}

Status IndexWriter::Protect(const std::string& study_instance_uid, const std::string& reason) {
  auto job = std::make_unique<Job>();
  job->what = Job::Protection{study_instance_uid, reason};
  return Submit(std::move(job)).status();
}

Status IndexWriter::Unprotect(const std::string& study_instance_uid) {
  auto job = std::make_unique<Job>();
  job->what = Job::Protection{study_instance_uid, std::nullopt};
  return Submit(std::move(job)).status();
}

Result<std::vector<bool>> IndexWriter::ReplaceThumbnails(std::vector<ThumbnailUpdate> updates) {
  std::vector<std::unique_ptr<Job>> jobs;
  for (ThumbnailUpdate& update : updates) {
    jobs.push_back(std::make_unique<Job>());
    jobs.back()->what = std::move(update);
  }
  std::vector<bool> written;
  Status first_failure;
  for (const auto& answer : Enqueue(std::move(jobs))) {
    const Status status = answer.status();
    written.push_back(status.ok());
    if (!status.ok() && status.code() != Status::Code::kNotFound && first_failure.ok()) {
      first_failure = status;
    }
  }
  if (!first_failure.ok()) return first_failure;
  return written;
}

IndexWriterStats IndexWriter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

Result<std::optional<CatalogedCopy>> IndexWriter::FindCopy(const std::string& sop_instance_uid) {
  return backend_->FindCopy(sop_instance_uid);
}

// A lock of LockInstance or LockRecycling: the backend's, released before
// this writer's mutex.
class IndexWriter::Held final : public InstanceLock {
 public:
  Held(std::unique_lock<std::mutex> own, std::unique_ptr<InstanceLock> backend)
      : own_(std::move(own)), backend_(std::move(backend)) {}

 private:
  std::unique_lock<std::mutex> own_;  // declared first: released last
  std::unique_ptr<InstanceLock> backend_;
};

Result<std::unique_ptr<InstanceLock>> IndexWriter::LockInstance(
    const std::string& sop_instance_uid) {
  std::unique_lock stripe(instance_stripes_[Fnv1a64(sop_instance_uid) % kInstanceStripes]);
  auto held = backend_->LockInstance(sop_instance_uid);
  if (!held.ok()) return held.status();
  return std::unique_ptr<InstanceLock>(
      std::make_unique<Held>(std::move(stripe), std::move(held).value()));
}

Result<std::optional<std::unique_ptr<InstanceLock>>> IndexWriter::LockRecycling(bool wait) {
  using MaybeHeld = std::optional<std::unique_ptr<InstanceLock>>;
  std::unique_lock turn(recycling_, std::defer_lock);
  if (wait) {
    turn.lock();
  } else if (!turn.try_lock()) {
    return MaybeHeld();
  }
  auto held = backend_->LockRecycling(wait);
  if (!held.ok()) return held.status();
  if (!held->has_value()) return MaybeHeld();
  return MaybeHeld(std::make_unique<Held>(std::move(turn), std::move(**held)));
}

Result<WriteOutcome> IndexWriter::Submit(std::unique_ptr<Job> job) {
  std::vector<std::unique_ptr<Job>> jobs;
  jobs.push_back(std::move(job));
  return std::move(Enqueue(std::move(jobs)).front());
}

std::vector<Result<WriteOutcome>> IndexWriter::Enqueue(std::vector<std::unique_ptr<Job>> jobs) {
  const size_t n = jobs.size();
  std::vector<std::optional<Result<WriteOutcome>>> results(n);
  std::vector<std::future<Result<WriteOutcome>>> answers(n);
  std::deque<std::unique_ptr<Job>> batch;
  {
    std::unique_lock lock(mutex_);
    if (stopping_) {
      for (auto& result : results) result = Status::Internal("index writer is stopping");
    } else {
      std::vector<Job*> mine;
      for (auto& job : jobs) {
        mine.push_back(job.get());
        queue_.push_back(std::move(job));
      }
      // Nothing committing and nothing else waiting (one sender's usual
      // case): this thread commits its own jobs (the first max_batch of
      // them), sparing the writer thread's wake-up and the wake-up of its
      // answer (two thread switches per job), and takes their results
      // itself (a promise set costs a futex wake-up, glibc's call_once).
      if (n > 0 && n == queue_.size() && !committing_) batch = TakeBatch(lock);
      // The rest are answered by whichever thread commits them, once this
      // lock is released.
      for (size_t i = batch.size(); i < n; ++i) answers[i] = mine[i]->done.get_future();
    }
  }
  if (!batch.empty()) {
    std::vector<Result<WriteOutcome>> own = CommitTaken(batch);
    for (size_t i = 0; i < own.size(); ++i) results[i] = std::move(own[i]);
    bool more;
    {
      std::lock_guard lock(mutex_);
      committing_ = false;
      more = stopping_ || !queue_.empty();
    }
    if (more) wake_.notify_one();  // what queued meanwhile: the writer thread's
  } else {
    wake_.notify_one();
  }
  std::vector<Result<WriteOutcome>> answered;
  answered.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    answered.push_back(results[i] ? std::move(*results[i]) : answers[i].get());
  }
  return answered;
}

std::deque<std::unique_ptr<IndexWriter::Job>> IndexWriter::TakeBatch(
    std::unique_lock<std::mutex>& /*held*/) {
  committing_ = true;
  std::deque<std::unique_ptr<Job>> batch;
  // Everything that queued while the previous batch committed goes into
  // this one: that is the group commit.
  while (!queue_.empty() && batch.size() < options_.max_batch) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

std::vector<std::optional<RowLockKey>> IndexWriter::LockKeysOf(
    const std::deque<std::unique_ptr<Job>>& batch) {
  std::vector<std::optional<RowLockKey>> keys;
  keys.reserve(batch.size());
  for (const auto& job : batch) {
    if (const auto* r = std::get_if<InstanceRecord>(&job->what)) {
      keys.push_back(RowLockKeyOf(*r));
    } else if (std::holds_alternative<Job::Remove>(job->what) ||
               std::holds_alternative<Job::Protection>(job->what) ||
               std::holds_alternative<ThumbnailUpdate>(job->what)) {
      keys.push_back(std::nullopt);  // its rows are known only once it runs
    } else {
      keys.push_back(RowLockKey{});  // history: no archive rows
    }
  }
  return keys;
}

void IndexWriter::Run() {
  for (;;) {
    std::deque<std::unique_ptr<Job>> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return !committing_ && (stopping_ || !queue_.empty()); });
      if (queue_.empty()) return;  // stopping and drained
      batch = TakeBatch(lock);
    }
    std::vector<Result<WriteOutcome>> results = CommitTaken(batch);
    for (size_t k = 0; k < batch.size(); ++k) batch[k]->done.set_value(std::move(results[k]));
    std::lock_guard lock(mutex_);
    committing_ = false;
  }
}

std::vector<Result<WriteOutcome>> IndexWriter::CommitTaken(
    const std::deque<std::unique_ptr<Job>>& batch) {
  // Applied in the global lock order (lock_order.h); each answer goes to
  // its own job.
  const std::vector<size_t> order = LockOrder(LockKeysOf(batch));
  std::vector<const Job*> jobs;
  for (size_t i : order) jobs.push_back(batch[i].get());
  std::vector<Result<WriteOutcome>> results = CommitRetryingConflicts(jobs);
  std::vector<std::optional<Result<WriteOutcome>>> in_batch_order(batch.size());
  for (size_t k = 0; k < order.size(); ++k) in_batch_order[order[k]] = std::move(results[k]);
  std::vector<Result<WriteOutcome>> answers;
  answers.reserve(batch.size());
  for (auto& answer : in_batch_order) answers.push_back(std::move(*answer));
  return answers;
}

namespace {

// Locks the old instance's parent rows at `levels`, in that order.
Status LockParents(IndexBackend& backend, const StoredInstance& stored,
                   const std::vector<EntityLevel>& levels) {
  for (EntityLevel level : levels) PIXELDEX_RETURN_IF_ERROR(backend.LockParent(stored, level));
  return Status::Ok();
}

// Writes or removes one instance inside the open transaction: a record
// replaces the rows of its SOP Instance UID, parents left empty go. Every
// row lock is taken in the global order (lock_order.h): the old instance's
// parents that come before the new record's, the new record's parents
// (upserted), the old ones that come after; only then is the old row
// deleted, which locks its study once more (the count trigger), and the new
// one inserted. (The instance rows themselves need no order: the stores of
// one SOP Instance UID take turns, IndexWriter::LockInstance.)
// A store that moves an instance to another patient, study or series locks
// the rows of two keys, and the jobs ordered between them (lock_order.h)
// would take theirs in between: unless `alone` in its transaction, it does
// nothing and returns nullopt, to run in a transaction of its own.
std::optional<Result<WriteOutcome>> ApplyInstance(IndexBackend& backend, const std::string& now,
                                                  bool remove, const InstanceRecord& record,
                                                  const std::string& remove_uid, bool alone) {
  const std::string& uid = remove ? remove_uid : record.instance.sop_instance_uid;
  auto existing = backend.FindStored(uid);
  if (!existing.ok()) return existing.status();
  if (remove && !existing->has_value()) return Status::NotFound("no instance " + uid);
  const std::optional<RowLockKey> new_rows =
      remove ? std::nullopt : std::optional<RowLockKey>(RowLockKeyOf(record));
  const ReplacedRowLocks old_locks = existing->has_value()
                                         ? ReplacedRowLocksOf((*existing)->rows, new_rows)
                                         : ReplacedRowLocks{};
  const bool moves = !remove && (!old_locks.before_upsert.empty() || !old_locks.after_upsert.empty());
  if (moves && !alone) return std::nullopt;
  if (existing->has_value()) {
    PIXELDEX_RETURN_IF_ERROR(LockParents(backend, **existing, old_locks.before_upsert));
  }
  int64_t series_pk = 0;
  if (!remove) {
    auto upserted = backend.UpsertParents(record, now);
    if (!upserted.ok()) return upserted.status();
    series_pk = *upserted;
  }
  WriteOutcome outcome;
  if (existing->has_value()) {
    PIXELDEX_RETURN_IF_ERROR(LockParents(backend, **existing, old_locks.after_upsert));
    PIXELDEX_RETURN_IF_ERROR(backend.DeleteInstanceRow(**existing));
    outcome.replaced = true;
    outcome.replaced_path = (*existing)->path;
  }
  if (!remove) {
    auto pk = backend.InsertInstance(record, series_pk);
    if (!pk.ok()) return pk.status();
    outcome.instance_pk = *pk;
  }
  if (existing->has_value()) PIXELDEX_RETURN_IF_ERROR(backend.DeleteEmptyParents(**existing));
  return outcome;
}

}  // namespace

const std::string* IndexWriter::InstanceUidOf(const Job& job) {
  if (const auto* record = std::get_if<InstanceRecord>(&job.what)) {
    return &record->instance.sop_instance_uid;
  }
  if (const auto* remove = std::get_if<Job::Remove>(&job.what)) return &remove->sop_instance_uid;
  return nullptr;
}

std::optional<Result<WriteOutcome>> IndexWriter::Apply(const Job& job, const std::string& now,
                                                       bool alone) {
  if (const auto* record = std::get_if<InstanceRecord>(&job.what)) {
    return ApplyInstance(*backend_, now, false, *record, {}, alone);
  }
  if (const auto* remove = std::get_if<Job::Remove>(&job.what)) {
    return ApplyInstance(*backend_, now, true, {}, remove->sop_instance_uid, alone);
  }
  if (const auto* thumbnail = std::get_if<ThumbnailUpdate>(&job.what)) {
    auto written = backend_->ReplaceThumbnail(*thumbnail);
    if (!written.ok()) return written.status();
    if (!*written) return Status::NotFound("instance changed since its thumbnail was rendered");
    return WriteOutcome{};
  }
  Status s;
  if (const auto* association = std::get_if<AssociationRecord>(&job.what)) {
    s = backend_->Insert(*association);
  } else if (const auto* event = std::get_if<EventRecord>(&job.what)) {
    s = backend_->Insert(*event, now);
  } else if (const auto* protection = std::get_if<Job::Protection>(&job.what)) {
    s = protection->reason ? backend_->Protect(protection->study_instance_uid,
                                               *protection->reason, now)
                           : backend_->Unprotect(protection->study_instance_uid);
  } else {
    s = backend_->PruneHistoryBefore(std::get<Job::Prune>(job.what).cutoff);
  }
  if (!s.ok()) return s;
  return WriteOutcome{};
}

std::vector<Result<WriteOutcome>> IndexWriter::CommitRetryingConflicts(
    const std::vector<const Job*>& jobs) {
  std::vector<Result<WriteOutcome>> results = CommitWithDeferred(jobs);
  for (int attempt = 2; attempt <= kConflictAttempts; ++attempt) {
    // The jobs that lost a conflict with another writer's transaction, in
    // a new transaction of their own: the locks of the one that aborted
    // them are gone once it has committed.
    std::vector<size_t> lost;
    for (size_t i = 0; i < results.size(); ++i) {
      if (results[i].status().code() == Status::Code::kAborted) lost.push_back(i);
    }
    if (lost.empty()) break;
    LogInfo("index writer: {} job(s) lost a transaction conflict; attempt {} of {}", lost.size(),
            attempt, kConflictAttempts);
    std::vector<const Job*> again;
    for (size_t i : lost) again.push_back(jobs[i]);
    std::vector<Result<WriteOutcome>> retried = CommitWithDeferred(again);
    for (size_t k = 0; k < lost.size(); ++k) results[lost[k]] = std::move(retried[k]);
  }
  return results;
}

std::vector<Result<WriteOutcome>> IndexWriter::CommitWithDeferred(
    const std::vector<const Job*>& jobs) {
  std::vector<JobResult> batch = CommitGuarded(jobs);
  std::vector<Result<WriteOutcome>> results;
  results.reserve(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    // Alone in its transaction, a job is never deferred again.
    if (!batch[i]) batch[i] = std::move(*CommitGuarded({jobs[i]})[0]);
    results.push_back(std::move(*batch[i]));
  }
  return results;
}

std::vector<IndexWriter::JobResult> IndexWriter::CommitGuarded(
    const std::vector<const Job*>& jobs) {
  std::vector<JobResult> results;
  const Status unexpected =
      CatchUnexpected("index writer", [&] { results = CommitBatch(jobs); });
  if (!unexpected.ok()) {
    LogError("{}; failing a batch of {} job(s)", unexpected.message(), jobs.size());
    backend_->Abandon();
    results.assign(jobs.size(), Result<WriteOutcome>(unexpected));
  }
  return results;
}

std::vector<IndexWriter::JobResult> IndexWriter::CommitBatch(
    const std::vector<const Job*>& jobs) {
  std::vector<JobResult> results;
  results.reserve(jobs.size());
  const std::string now = NowIso8601();
  const bool alone = jobs.size() == 1;
  // The instances of deferred jobs: a later job of the same one is deferred
  // too, so that it still comes after.
  std::set<std::string> deferred;
  const Status committed = backend_->InTransaction([&]() -> Status {
    for (const Job* job : jobs) {
      const std::string* uid = InstanceUidOf(*job);
      if (uid && deferred.contains(*uid)) {
        results.emplace_back();
        continue;
      }
      // Each job in its own savepoint: one bad record fails alone. A job
      // alone in its transaction needs none: its failure rolls the whole
      // transaction back, which undoes the same rows, and is its answer.
      Status sp = alone ? Status::Ok() : backend_->BeginJob();
      if (sp.ok() && options_.before_apply) options_.before_apply();
      JobResult r = sp.ok() ? Apply(*job, now, alone) : JobResult(sp);
      if (alone) {
        if (!r->ok()) return r->status();  // alone, a job is never deferred
        results.push_back(std::move(r));
        continue;
      }
      // A savepoint that cannot be ended leaves the batch in an unknown
      // state: it is rolled back whole and every job fails.
      PIXELDEX_RETURN_IF_ERROR(backend_->EndJob(r && r->ok()));
      if (!r) deferred.insert(*uid);
      results.push_back(std::move(r));
    }
    return Status::Ok();
  });
  if (!committed.ok()) {
    return std::vector<JobResult>(jobs.size(), Result<WriteOutcome>(committed));
  }
  std::lock_guard lock(mutex_);
  ++stats_.transactions;
  stats_.jobs += std::count_if(results.begin(), results.end(),
                               [](const JobResult& r) { return r.has_value(); });
  return results;
}

}  // namespace pixeldex::index
