#include "catalog/index/header_reader.h"

namespace pixeldex::index {
namespace {

constexpr const char* kHeadersJoin = "JOIN headers h ON h.instance_pk = i.instance_pk";

}  // namespace

Result<HeadersSize> SizeOfHeaders(Db& db, const InstanceScope& scope) {
  // Bytes, not characters (a BLOB's length); the rows' pages are then in
  // the connection's cache for the read that follows.
  auto stmt = PrepareInScope(db, "count(*), coalesce(sum(length(CAST(h.json AS BLOB))), 0)",
                             kHeadersJoin, scope);
  if (!stmt.ok()) return stmt.status();
  if (!stmt->Step()) {
    PIXELDEX_RETURN_IF_ERROR(stmt->status());
    return HeadersSize{};
  }
  return HeadersSize{static_cast<size_t>(stmt->Int(0)), static_cast<size_t>(stmt->Int(1))};
}

Result<size_t> ForEachHeader(Db& db, const InstanceScope& scope,
                             const std::function<void(const StoredHeader& header)>& on_header) {
  auto stmt =
      PrepareInScope(db, "se.series_instance_uid, i.sop_instance_uid, h.json", kHeadersJoin, scope);
  if (!stmt.ok()) return stmt.status();
  size_t count = 0;
  while (stmt->Step()) {
    on_header({stmt->TextView(0), stmt->TextView(1), stmt->TextView(2)});
    ++count;
  }
  PIXELDEX_RETURN_IF_ERROR(stmt->status());
  return count;
}

}  // namespace pixeldex::index
