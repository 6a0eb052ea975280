#include "catalog/index/header_reader.h"

namespace pixeldex::index {

Result<size_t> ForEachHeader(Db& db, const InstanceScope& scope,
                             const std::function<void(const StoredHeader& header)>& on_header) {
  auto stmt = PrepareInScope(db, "se.series_instance_uid, i.sop_instance_uid, h.json",
                             "JOIN headers h ON h.instance_pk = i.instance_pk", scope);
  if (!stmt.ok()) return stmt.status();
  size_t count = 0;
  while (stmt->Step()) {
    const std::string json = stmt->Text(2);
    on_header({stmt->Text(0), stmt->Text(1), json});
    ++count;
  }
  PIXELDEX_RETURN_IF_ERROR(stmt->status());
  return count;
}

}  // namespace pixeldex::index
