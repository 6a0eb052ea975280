#include "catalog/index/history_statements.h"

#include "catalog/index/writer_sql.h"

namespace pixeldex::index {

Result<HistoryStatements> HistoryStatements::Prepare(Db& db) {
  HistoryStatements s;
  const WriterSql& sql = WriterSqlFor(SqlFlavor::kSqlite);
  const std::pair<std::optional<Statement>*, const std::string&> entries[] = {
      {&s.insert_association_, sql.insert_association},
      {&s.insert_event_, sql.insert_event},
      {&s.prune_associations_, sql.prune_associations},
      {&s.prune_events_, sql.prune_events},
  };
  for (const auto& [slot, text] : entries) {
    auto stmt = db.Prepare(text);
    if (!stmt.ok()) return stmt.status();
    slot->emplace(std::move(stmt).value());
  }
  return s;
}

Status HistoryStatements::Insert(const AssociationRecord& r) {
  return insert_association_->BindTextOrNull(1, r.calling_aet)
      .BindTextOrNull(2, r.called_aet)
      .BindTextOrNull(3, r.peer_address)
      .Bind(4, r.started_at)
      .BindTextOrNull(5, r.ended_at)
      .Bind(6, r.accepted_contexts)
      .Bind(7, r.rejected_contexts)
      .Bind(8, r.instances)
      .Bind(9, r.bytes)
      .BindTextOrNull(10, r.outcome)
      .Run();
}

Status HistoryStatements::Insert(const EventRecord& r, const std::string& now) {
  return insert_event_->Bind(1, now)
      .Bind(2, EventKindName(r.kind))
      .BindTextOrNull(3, r.sop_instance_uid)
      .BindTextOrNull(4, r.calling_aet)
      .Bind(5, r.status_code)
      .BindTextOrNull(6, r.detail)
      .Run();
}

Status HistoryStatements::PruneBefore(const std::string& cutoff) {
  PIXELDEX_RETURN_IF_ERROR(prune_associations_->Bind(1, cutoff).Run());
  return prune_events_->Bind(1, cutoff).Run();
}

}  // namespace pixeldex::index
