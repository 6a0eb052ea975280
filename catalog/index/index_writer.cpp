#include "catalog/index/index_writer.h"

#include <variant>

#include "catalog/common/clock.h"
#include "catalog/common/exception_boundary.h"
#include "catalog/common/log.h"
#include "catalog/index/history_statements.h"
#include "catalog/index/record_statements.h"
#include "catalog/index/schema.h"

namespace pixeldex::index {

struct IndexWriter::Job {
  struct Remove {
    std::string sop_instance_uid;
  };
  struct Prune {
    std::string cutoff;
  };
  std::variant<InstanceRecord, Remove, AssociationRecord, EventRecord, Prune> what;
  std::promise<Result<WriteOutcome>> done;
};

// The transaction control of a batch, prepared once: run through sqlite3_exec
// they would be parsed again for every record.
struct IndexWriter::TransactionStatements {
  Statement begin, commit, rollback, savepoint, release, rollback_to;

  static Result<std::unique_ptr<TransactionStatements>> Prepare(Db& db) {
    Result<Statement> statements[] = {db.Prepare("BEGIN IMMEDIATE"), db.Prepare("COMMIT"),
                                      db.Prepare("ROLLBACK"),        db.Prepare("SAVEPOINT job"),
                                      db.Prepare("RELEASE job"),     db.Prepare("ROLLBACK TO job")};
    for (const auto& statement : statements) {
      if (!statement.ok()) return statement.status();
    }
    return std::unique_ptr<TransactionStatements>(new TransactionStatements{
        std::move(*statements[0]), std::move(*statements[1]), std::move(*statements[2]),
        std::move(*statements[3]), std::move(*statements[4]), std::move(*statements[5])});
  }
};

Result<std::unique_ptr<IndexWriter>> IndexWriter::Open(const std::string& path,
                                                       IndexWriterOptions options) {
  auto db = Db::Open(path, Db::Mode::kReadWrite);
  if (!db.ok()) return db.status();
  PIXELDEX_RETURN_IF_ERROR(PrepareForWriting(*db));
  auto statements = RecordStatements::Prepare(*db);
  if (!statements.ok()) return statements.status();
  auto reader = Db::Open(path, Db::Mode::kReadOnly);
  if (!reader.ok()) return reader.status();
  PIXELDEX_RETURN_IF_ERROR(PrepareForReading(*reader));
  std::unique_ptr<IndexWriter> writer(
      new IndexWriter(std::move(db).value(), std::move(reader).value(), options));
  writer->statements_ = std::make_unique<RecordStatements>(std::move(statements).value());
  auto history = HistoryStatements::Prepare(writer->db_);
  if (!history.ok()) return history.status();
  writer->history_ = std::make_unique<HistoryStatements>(std::move(history).value());
  auto transactions = TransactionStatements::Prepare(writer->db_);
  if (!transactions.ok()) return transactions.status();
  writer->transactions_ = std::move(transactions).value();
  writer->thread_ = std::thread([w = writer.get()] { w->Run(); });
  return writer;
}

IndexWriter::IndexWriter(Db db, Db reader, IndexWriterOptions options)
    : db_(std::move(db)), reader_(std::move(reader)), options_(options) {}

IndexWriter::~IndexWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  statements_.reset();  // finalize statements before the connection closes
  history_.reset();
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

IndexWriterStats IndexWriter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

Result<std::optional<CatalogedCopy>> IndexWriter::FindCopy(const std::string& sop_instance_uid) {
  std::lock_guard lock(reader_mutex_);
  auto stmt = reader_.Prepare(
      "SELECT path, received_at, source, calling_aet, called_aet, peer_address "
      "FROM instances WHERE sop_instance_uid = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, sop_instance_uid);
  std::optional<CatalogedCopy> copy;
  if (stmt->Step()) {
    const std::string source_name = stmt->Text(2);
    const std::optional<ProvenanceSource> source = ParseProvenanceSource(source_name);
    if (!source) {
      return Status::Corruption("instances.source of " + sop_instance_uid + " is '" +
                                source_name + "', not a known source");
    }
    copy = CatalogedCopy{stmt->Text(0), stmt->Text(1),
                         Provenance{*source, stmt->Text(3), stmt->Text(4), stmt->Text(5)}};
  }
  if (!stmt->status().ok()) return stmt->status();
  return copy;
}

Result<WriteOutcome> IndexWriter::Submit(std::unique_ptr<Job> job) {
  auto future = job->done.get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return Status::Internal("index writer is stopping");
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return future.get();
}

void IndexWriter::Run() {
  std::deque<std::unique_ptr<Job>> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      // Everything that queued while the previous batch committed goes into
      // this one: that is the group commit.
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<Result<WriteOutcome>> results;
    const Status unexpected =
        CatchUnexpected("index writer", [&] { results = CommitBatch(batch); });
    if (!unexpected.ok()) {
      LogError("{}; failing a batch of {} job(s)", unexpected.message(), batch.size());
      (void)transactions_->rollback.Run();  // may find no transaction open: nothing to undo then
      results.assign(batch.size(), unexpected);
    }
    for (size_t i = 0; i < batch.size(); ++i) batch[i]->done.set_value(std::move(results[i]));
    batch.clear();
  }
}

namespace {

// Writes or removes one instance inside the open transaction.
Result<WriteOutcome> ApplyInstance(RecordStatements& s, const std::string& now, bool remove,
                                   const InstanceRecord& record, const std::string& remove_uid) {
  const std::string& uid = remove ? remove_uid : record.instance.sop_instance_uid;
  auto existing = s.Find(uid);
  if (!existing.ok()) return existing.status();
  WriteOutcome outcome;
  if (remove && !existing->has_value()) return Status::NotFound("no instance " + uid);
  if (existing->has_value()) {
    PIXELDEX_RETURN_IF_ERROR(s.DeleteInstanceRow(**existing));
    outcome.replaced = true;
    outcome.replaced_path = (*existing)->path;
  }
  if (!remove) {
    auto pk = s.Insert(record, now);
    if (!pk.ok()) return pk.status();
    outcome.instance_pk = *pk;
  }
  if (existing->has_value()) PIXELDEX_RETURN_IF_ERROR(s.DeleteEmptyParents(**existing));
  return outcome;
}

}  // namespace

Result<WriteOutcome> IndexWriter::Apply(const Job& job, const std::string& now) {
  if (const auto* record = std::get_if<InstanceRecord>(&job.what)) {
    return ApplyInstance(*statements_, now, false, *record, {});
  }
  if (const auto* remove = std::get_if<Job::Remove>(&job.what)) {
    return ApplyInstance(*statements_, now, true, {}, remove->sop_instance_uid);
  }
  Status s;
  if (const auto* association = std::get_if<AssociationRecord>(&job.what)) {
    s = history_->Insert(*association);
  } else if (const auto* event = std::get_if<EventRecord>(&job.what)) {
    s = history_->Insert(*event, now);
  } else {
    s = history_->PruneBefore(std::get<Job::Prune>(job.what).cutoff);
  }
  if (!s.ok()) return s;
  return WriteOutcome{};
}

std::vector<Result<WriteOutcome>> IndexWriter::CommitBatch(
    const std::deque<std::unique_ptr<Job>>& batch) {
  TransactionStatements& tx = *transactions_;
  std::vector<Result<WriteOutcome>> results;
  results.reserve(batch.size());
  Status begin = tx.begin.Run();
  if (!begin.ok()) return std::vector<Result<WriteOutcome>>(batch.size(), begin);
  const std::string now = NowIso8601();
  for (auto& job : batch) {
    // Each job in its own savepoint: one bad record fails alone.
    Status sp = tx.savepoint.Run();
    if (sp.ok() && options_.before_apply) options_.before_apply();
    Result<WriteOutcome> r = sp.ok() ? Apply(*job, now) : Result<WriteOutcome>(sp);
    // A savepoint that cannot be ended leaves the batch in an unknown state:
    // it is rolled back whole and every job fails.
    Status ended = r.ok() ? tx.release.Run() : tx.rollback_to.Run();
    if (ended.ok() && !r.ok()) ended = tx.release.Run();
    if (!ended.ok()) {
      (void)tx.rollback.Run();  // the batch fails with `ended` whether or not this works
      return std::vector<Result<WriteOutcome>>(batch.size(), ended);
    }
    results.push_back(std::move(r));
  }
  Status commit = tx.commit.Run();
  if (!commit.ok()) (void)tx.rollback.Run();  // the batch fails with `commit` either way
  if (commit.ok()) {
    std::lock_guard lock(mutex_);
    ++stats_.transactions;
    stats_.jobs += batch.size();
  }
  if (!commit.ok()) results.assign(batch.size(), commit);
  return results;
}

}  // namespace pixeldex::index
