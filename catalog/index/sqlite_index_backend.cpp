#include "catalog/index/sqlite_index_backend.h"

#include "catalog/index/history_statements.h"
#include "catalog/index/record_statements.h"
#include "catalog/index/schema.h"
#include "catalog/index/writer_sql.h"

namespace pixeldex::index {

// The transaction control of a batch, prepared once: run through sqlite3_exec
// they would be parsed again for every record.
struct SqliteIndexBackend::TransactionStatements {
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

Result<std::unique_ptr<SqliteIndexBackend>> SqliteIndexBackend::Open(const std::string& path) {
  auto db = Db::Open(path, Db::Mode::kReadWrite);
  if (!db.ok()) return db.status();
  PIXELDEX_RETURN_IF_ERROR(PrepareForWriting(*db));
  auto reader = Db::Open(path, Db::Mode::kReadOnly);
  if (!reader.ok()) return reader.status();
  PIXELDEX_RETURN_IF_ERROR(PrepareForReading(*reader));
  std::unique_ptr<SqliteIndexBackend> backend(
      new SqliteIndexBackend(std::move(db).value(), std::move(reader).value(), path));
  auto statements = RecordStatements::Prepare(backend->db_);
  if (!statements.ok()) return statements.status();
  backend->statements_ = std::make_unique<RecordStatements>(std::move(statements).value());
  auto history = HistoryStatements::Prepare(backend->db_);
  if (!history.ok()) return history.status();
  backend->history_ = std::make_unique<HistoryStatements>(std::move(history).value());
  auto transactions = TransactionStatements::Prepare(backend->db_);
  if (!transactions.ok()) return transactions.status();
  backend->transactions_ = std::move(transactions).value();
  return backend;
}

SqliteIndexBackend::SqliteIndexBackend(Db db, Db reader, const std::string& path)
    : db_(std::move(db)), reader_(std::move(reader)), locks_(path) {}

// Statements are finalized (members in reverse order) before the connections close.
SqliteIndexBackend::~SqliteIndexBackend() = default;

Status SqliteIndexBackend::InTransaction(const std::function<Status()>& body) {
  TransactionStatements& tx = *transactions_;
  PIXELDEX_RETURN_IF_ERROR(tx.begin.Run());
  const Status status = body();
  if (!status.ok()) {
    (void)tx.rollback.Run();  // failing with body's reason whether or not this works
    return status;
  }
  Status commit = tx.commit.Run();
  if (!commit.ok()) (void)tx.rollback.Run();  // the batch fails with `commit` either way
  return commit;
}

void SqliteIndexBackend::Abandon() {
  (void)transactions_->rollback.Run();  // may find no transaction open: nothing to undo then
}

Status SqliteIndexBackend::BeginJob() { return transactions_->savepoint.Run(); }

Status SqliteIndexBackend::EndJob(bool keep) {
  TransactionStatements& tx = *transactions_;
  Status ended = keep ? tx.release.Run() : tx.rollback_to.Run();
  if (ended.ok() && !keep) ended = tx.release.Run();
  return ended;
}

Result<std::optional<StoredInstance>> SqliteIndexBackend::FindStored(
    const std::string& sop_instance_uid) {
  return statements_->Find(sop_instance_uid);
}

Result<int64_t> SqliteIndexBackend::UpsertParents(const InstanceRecord& record,
                                                  const std::string& now) {
  return statements_->UpsertParents(record, now);
}

Result<int64_t> SqliteIndexBackend::InsertInstance(const InstanceRecord& record,
                                                   int64_t series_pk) {
  return statements_->InsertInstance(record, series_pk);
}

Status SqliteIndexBackend::DeleteInstanceRow(const StoredInstance& stored) {
  return statements_->DeleteInstanceRow(stored);
}

Status SqliteIndexBackend::DeleteEmptyParents(const StoredInstance& stored) {
  return statements_->DeleteEmptyParents(stored);
}

Status SqliteIndexBackend::Insert(const AssociationRecord& record) {
  return history_->Insert(record);
}

Status SqliteIndexBackend::Insert(const EventRecord& record, const std::string& now) {
  return history_->Insert(record, now);
}

Status SqliteIndexBackend::PruneHistoryBefore(const std::string& cutoff) {
  return history_->PruneBefore(cutoff);
}

Status SqliteIndexBackend::Protect(const std::string& study_instance_uid,
                                   const std::string& reason, const std::string& now) {
  auto stmt = db_.Prepare(WriterSqlFor(SqlFlavor::kSqlite).protect_study);
  if (!stmt.ok()) return stmt.status();
  return stmt->Bind(1, study_instance_uid).Bind(2, now).BindTextOrNull(3, reason).Run();
}

Status SqliteIndexBackend::Unprotect(const std::string& study_instance_uid) {
  auto stmt = db_.Prepare(WriterSqlFor(SqlFlavor::kSqlite).unprotect_study);
  if (!stmt.ok()) return stmt.status();
  return stmt->Bind(1, study_instance_uid).Run();
}

Result<bool> SqliteIndexBackend::ReplaceThumbnail(const ThumbnailUpdate& update) {
  auto stmt = db_.Prepare(WriterSqlFor(SqlFlavor::kSqlite).replace_thumbnail);
  if (!stmt.ok()) return stmt.status();
  const ThumbnailRecord& t = update.thumbnail;
  stmt->Bind(1, update.instance_pk)
      .Bind(2, StoredThumbnailStatus(t.status, t.reason))
      .Bind(6, update.sha256);
  // As at ingest (RecordStatements::Insert): size and PNG only for a rendered one.
  if (t.status == ThumbnailStatus::kOk) {
    stmt->Bind(3, int64_t{t.width}).Bind(4, int64_t{t.height}).BindBlob(5, t.png);
  }
  PIXELDEX_RETURN_IF_ERROR(stmt->Run());
  return db_.Changes() > 0;
}

Result<std::optional<CatalogedCopy>> SqliteIndexBackend::FindCopy(
    const std::string& sop_instance_uid) {
  std::lock_guard lock(reader_mutex_);
  auto stmt = reader_.Prepare(WriterSqlFor(SqlFlavor::kSqlite).find_copy);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, sop_instance_uid);
  std::optional<CatalogedCopy> copy;
  if (stmt->Step()) {
    auto found = CatalogedCopyOf(sop_instance_uid, stmt->Text(0), stmt->Text(1), stmt->Text(2),
                                 stmt->Text(3), stmt->Text(4), stmt->Text(5));
    if (!found.ok()) return found.status();
    copy = std::move(found).value();
  }
  if (!stmt->status().ok()) return stmt->status();
  return copy;
}

}  // namespace pixeldex::index
