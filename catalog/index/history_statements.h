#pragma once
// HistoryStatements: the prepared statements that write the operational
// history (associations, events) and prune it. Used only on the writer's
// thread, inside its transactions.

#include <optional>

#include "catalog/common/history_record.h"
#include "catalog/common/result.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {

class HistoryStatements {
 public:
  static Result<HistoryStatements> Prepare(Db& db);
  Status Insert(const AssociationRecord& record);
  // `now` becomes the event's time.
  Status Insert(const EventRecord& record, const std::string& now);
  // Deletes history older than `cutoff` (ISO 8601 UTC).
  Status PruneBefore(const std::string& cutoff);

 private:
  HistoryStatements() = default;
  std::optional<Statement> insert_association_, insert_event_, prune_associations_, prune_events_;
};

}  // namespace pixeldex::index
