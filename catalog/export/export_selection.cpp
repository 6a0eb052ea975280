#include "catalog/export/export_selection.h"

#include <algorithm>
#include <optional>
#include <set>

#include "catalog/index/postgres/pg_uri.h"
#include "catalog/index/postgres/pg_user_query.h"
#include "catalog/index/sql_flavor.h"

namespace pixeldex::exporting {
namespace {

constexpr const char* kOrder =
    " ORDER BY patient_id, study_instance_uid, series_instance_uid, instance_number, "
    "sop_instance_uid";

std::string ColumnList() {
  std::string list;
  for (const std::string& c : SelectedColumns()) list += (list.empty() ? "" : ", ") + c;
  return list;
}

// Collects the rows of one or more statements, each SOP Instance once.
class SelectionSink : public index::RowSink {
 public:
  explicit SelectionSink(Selection* selection) : selection_(selection) {}
  Status Begin(const std::vector<std::string>& columns) override {
    if (columns != SelectedColumns()) {
      return Status::InvalidArgument("the condition changed the selected columns");
    }
    return Status::Ok();
  }
  Status Row(const std::vector<index::SqlValue>& values) override {
    ++rows_;
    if (seen_.insert(values.front().bytes).second) selection_->instances.push_back({values});
    return Status::Ok();
  }
  Status End(int64_t) override { return Status::Ok(); }
  int64_t rows() const { return rows_; }

 private:
  Selection* selection_;
  std::set<std::string> seen_;
  int64_t rows_ = 0;
};

}  // namespace

const std::vector<std::string>& SelectedColumns() {
  // sop_instance_uid first: SelectionSink deduplicates on it.
  static const std::vector<std::string> kColumns = {
      "sop_instance_uid",   "sop_class_uid",     "instance_number",     "series_instance_uid",
      "series_number",      "modality",          "series_description",  "body_part_examined",
      "study_instance_uid", "study_date",        "study_description",   "accession_number",
      "patient_id",         "patient_name",      "transfer_syntax_uid", "rows",
      "columns",            "number_of_frames",  "size_bytes",          "sha256",
      "path"};
  return kColumns;
}

std::string SelectedInstance::Text(const std::string& column) const {
  const auto& columns = SelectedColumns();
  const auto it = std::find(columns.begin(), columns.end(), column);
  if (it == columns.end()) return "";
  const index::SqlValue& v = values[it - columns.begin()];
  switch (v.type) {
    case index::SqlValue::Type::kInteger: return std::to_string(v.integer);
    case index::SqlValue::Type::kText: return v.bytes;
    default: return "";
  }
}

Result<Selection> SelectByCondition(const UserQuery& query, const std::string& where) {
  // The condition stands on lines of its own, so that a trailing "--" comment
  // cannot swallow the closing parenthesis; the whole statement is then
  // checked read-only like any `pixeldex query`.
  const std::string sql =
      "SELECT " + ColumnList() + " FROM instance_details WHERE (\n" + where + "\n)" + kOrder;
  Selection selection;
  SelectionSink sink(&selection);
  PIXELDEX_RETURN_IF_ERROR(query(sql, {}, sink));
  return selection;
}

Result<Selection> SelectByUids(const UserQuery& query, const std::vector<std::string>& uids) {
  const std::string sql = "SELECT " + ColumnList() +
                          " FROM instance_details WHERE ?1 IN (study_instance_uid, "
                          "series_instance_uid, sop_instance_uid)" + kOrder;
  Selection selection;
  SelectionSink sink(&selection);
  for (const std::string& uid : uids) {
    const int64_t before = sink.rows();
    PIXELDEX_RETURN_IF_ERROR(query(sql, {uid}, sink));
    if (sink.rows() == before) selection.unmatched_uids.push_back(uid);
  }
  return selection;
}

Result<Selection> SelectFromIndex(const std::string& index_location, const std::string& where,
                                  const std::vector<std::string>& uids) {
  UserQuery query;
  std::optional<index::ReadOnlyQuery> sqlite;
  if (index::postgres::IsPostgresUri(index_location)) {
    query = [&](const std::string& sql, const std::vector<std::string>& parameters,
                index::RowSink& sink) {
      return index::postgres::RunPgUserQuery(
          index_location, index::SpelledFor(index::SqlFlavor::kPostgres, sql), parameters, sink);
    };
  } else {
    auto opened = index::ReadOnlyQuery::Open(index_location);
    if (!opened.ok()) return opened.status();
    sqlite.emplace(std::move(opened).value());
    query = [&](const std::string& sql, const std::vector<std::string>& parameters,
                index::RowSink& sink) { return sqlite->Run(sql, parameters, sink); };
  }
  return where.empty() ? SelectByUids(query, uids) : SelectByCondition(query, where);
}

}  // namespace pixeldex::exporting
