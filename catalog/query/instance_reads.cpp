#include "catalog/query/instance_reads.h"

#include <utility>

#include "catalog/query/sql_constraint.h"

namespace pixeldex::query {
namespace {

constexpr std::string_view kHeadersJoin = " JOIN headers h ON h.instance_pk = i.instance_pk";

enum class Order { kSeriesAndInstance, kNone /* an aggregate */ };

// SELECT `columns` FROM the studies, series and instances of `scope`
// (aliases st, se, i) and `joins`.
SqlPlan ScopePlan(const SqlDialect& dialect, std::string_view columns, std::string_view joins,
                  const index::InstanceScope& scope, Order order = Order::kSeriesAndInstance) {
  SqlWriter w(dialect);
  w.Sql("SELECT ").Sql(columns);
  w.Sql(
      " FROM studies st JOIN series se ON se.study_pk = st.study_pk"
      " JOIN instances i ON i.series_pk = se.series_pk");
  w.Sql(joins);
  w.Sql(" WHERE st.study_instance_uid = ").Text(scope.study);
  if (!scope.series.empty()) w.Sql(" AND se.series_instance_uid = ").Text(scope.series);
  if (!scope.sop_instance.empty()) w.Sql(" AND i.sop_instance_uid = ").Text(scope.sop_instance);
  if (order == Order::kSeriesAndInstance) w.Sql(" ORDER BY se.series_pk, i.instance_pk");
  SqlPlan plan;
  plan.sql = w.sql();
  plan.params = w.params();
  return plan;
}

// Calls `on_row` with each row of `plan`; returns how many there were.
Result<size_t> ForEachRow(IndexReader& reader, const SqlPlan& plan,
                          const std::function<void(const index::RowCursor& row)>& on_row) {
  auto rows = reader.Open(plan, ReadWatch{});
  if (!rows.ok()) return rows.status();
  index::RowCursor& row = **rows;
  size_t count = 0;
  for (;;) {
    auto more = row.Step();
    if (!more.ok()) return more.status();
    if (!*more) return count;
    on_row(row);
    ++count;
  }
}

}  // namespace

Result<std::vector<StoredFile>> ListStoredFiles(IndexReader& reader,
                                                const index::InstanceScope& scope) {
  const SqlPlan plan = ScopePlan(reader.dialect(),
                                 "se.series_instance_uid, i.sop_instance_uid, i.sop_class_uid, "
                                 "i.transfer_syntax_uid, i.path, i.size_bytes, i.number_of_frames",
                                 "", scope);
  std::vector<StoredFile> files;
  auto listed = ForEachRow(reader, plan, [&](const index::RowCursor& row) {
    files.push_back({row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4),
                     static_cast<uint64_t>(row.Int(5)),
                     row.IsNull(6) ? 0 : static_cast<int>(row.Int(6))});
  });
  if (!listed.ok()) return listed.status();
  return files;
}

Result<HeadersSize> SizeOfHeaders(IndexReader& reader, const index::InstanceScope& scope) {
  // Bytes, not characters; on SQLite the rows' pages are then in the
  // connection's cache for the read that follows.
  const SqlDialect& dialect = reader.dialect();
  const std::string columns =
      "count(*), coalesce(sum(" + dialect.ByteLength(dialect.JsonText("h.json")) + "), 0)";
  HeadersSize size;
  auto read =
      ForEachRow(reader, ScopePlan(dialect, columns, kHeadersJoin, scope, Order::kNone),
                 [&](const index::RowCursor& row) {
                   size = {static_cast<size_t>(row.Int(0)), static_cast<size_t>(row.Int(1))};
                 });
  if (!read.ok()) return read.status();
  return size;
}

Result<size_t> ForEachHeader(IndexReader& reader, const index::InstanceScope& scope,
                             const std::function<void(const StoredHeader& header)>& on_header) {
  const SqlDialect& dialect = reader.dialect();
  const std::string columns =
      "se.series_instance_uid, i.sop_instance_uid, " + dialect.JsonText("h.json");
  return ForEachRow(reader, ScopePlan(dialect, columns, kHeadersJoin, scope),
                    [&](const index::RowCursor& row) {
                      on_header({row.TextView(0), row.TextView(1), row.TextView(2)});
                    });
}

Result<std::optional<std::string>> FindRepresentativeThumbnail(IndexReader& reader,
                                                               std::string_view study_uid,
                                                               std::string_view series_uid,
                                                               std::string_view sop_instance_uid) {
  // Only the given UIDs become conditions, so that the database starts from
  // the unique index of the most specific one instead of scanning.
  const std::pair<std::string_view, const char*> keys[] = {
      {study_uid, "st.study_instance_uid"},
      {series_uid, "se.series_instance_uid"},
      {sop_instance_uid, "i.sop_instance_uid"}};
  SqlWriter w(reader.dialect());
  w.Sql(
      "SELECT t.png FROM instances i JOIN series se ON se.series_pk = i.series_pk"
      " JOIN studies st ON st.study_pk = se.study_pk"
      " JOIN thumbnails t ON t.instance_pk = i.instance_pk WHERE t.status = 'ok'");
  for (const auto& [uid, column] : keys) {
    if (!uid.empty()) w.Sql(" AND ").Sql(column).Sql(" = ").Text(std::string(uid));
  }
  w.Sql(
      " ORDER BY se.series_number IS NULL, se.series_number, se.series_pk,"
      " i.instance_number IS NULL, i.instance_number, i.instance_pk LIMIT 1");
  SqlPlan plan;
  plan.sql = w.sql();
  plan.params = w.params();
  std::optional<Result<std::string>> png;
  auto read =
      ForEachRow(reader, plan, [&](const index::RowCursor& row) { png.emplace(row.Bytes(0)); });
  if (!read.ok()) return read.status();
  if (!png) return std::optional<std::string>();
  if (!png->ok()) return png->status();
  return std::optional<std::string>(std::move(*png).value());
}

}  // namespace pixeldex::query
