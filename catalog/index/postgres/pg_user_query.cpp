#include "catalog/index/postgres/pg_user_query.h"

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "catalog/index/postgres/pg_connection.h"

namespace pixeldex::index::postgres {
namespace {

// SQLSTATE 25006 read_only_sql_transaction and 57014 query_canceled (what
// statement_timeout ends a statement with; PostgreSQL documentation,
// Appendix A "PostgreSQL Error Codes").
constexpr std::string_view kReadOnlySqlTransaction = "25006";
constexpr std::string_view kQueryCanceled = "57014";

// Built-in type OIDs, fixed in every PostgreSQL release (the pg_type
// catalog's bootstrap rows, include/catalog/pg_type.dat).
enum Oid : uint32_t {
  kBool = 16,
  kBytea = 17,
  kInt8 = 20,
  kInt2 = 21,
  kInt4 = 23,
  kOid = 26,
  kFloat4 = 700,
  kFloat8 = 701,
  kNumeric = 1700,
};

Result<SqlValue> ValueAt(const PgRows& rows, int row, int column) {
  SqlValue value;
  if (rows.IsNull(row, column)) return value;
  const std::string_view text = rows.Text(row, column);
  switch (rows.ColumnType(column)) {
    case kBool:
      value.type = SqlValue::Type::kInteger;
      value.integer = text == "t" ? 1 : 0;
      return value;
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid: {
      auto integer = rows.Int(row, column);
      if (!integer.ok()) return integer.status();
      value.type = SqlValue::Type::kInteger;
      value.integer = *integer;
      return value;
    }
    case kNumeric:
      // sum() and avg() of integers are numeric here, integer or real in
      // SQLite: a whole number that fits prints as SQLite's integer would.
      if (auto integer = rows.Int(row, column); integer.ok()) {
        value.type = SqlValue::Type::kInteger;
        value.integer = *integer;
        return value;
      }
      [[fallthrough]];
    case kFloat4:
    case kFloat8: {
      // "NaN", "Infinity" and "-Infinity" parse too (strtod, C17 7.22.1.3).
      const std::string copy(text);
      value.type = SqlValue::Type::kReal;
      value.real = std::strtod(copy.c_str(), nullptr);
      return value;
    }
    case kBytea: {
      auto bytes = rows.Bytes(row, column);
      if (!bytes.ok()) return bytes.status();
      value.type = SqlValue::Type::kBlob;
      value.bytes = std::move(bytes).value();
      return value;
    }
    default:
      value.type = SqlValue::Type::kText;
      value.bytes = std::string(text);
      return value;
  }
}

}  // namespace

Status RunPgUserQuery(std::string_view uri, std::string_view sql, RowSink& sink,
                      std::chrono::milliseconds time_limit) {
  return RunPgUserQuery(uri, sql, {}, sink, time_limit);
}

Status RunPgUserQuery(std::string_view uri, std::string_view sql,
                      const std::vector<std::string>& parameters, RowSink& sink,
                      std::chrono::milliseconds time_limit) {
  auto conn = PgConnection::Open(uri);
  if (!conn.ok()) return conn.status();
  if (time_limit.count() > 0) {
    // For the session, which ends with this call (PostgreSQL documentation
    // 20.11.1, statement_timeout, in milliseconds).
    auto set = conn->Exec("SELECT set_config('statement_timeout', $1, false)",
                          {PgParam::Text(std::to_string(time_limit.count()))});
    if (!set.ok()) return set.status();
  }
  std::vector<PgParam> params;
  for (const std::string& parameter : parameters) params.push_back(PgParam::Text(parameter));
  std::optional<std::vector<SqlValue>> values;  // set once the sink has begun
  int64_t count = 0;
  Status sink_status;  // the sink's failure, reported as it is
  const Status streamed =
      conn->StreamReadOnly(sql, params, [&](const PgRows& rows) -> Status {
        if (!values) {
          std::vector<std::string> names;
          for (int c = 0; c < rows.columns(); ++c) names.emplace_back(rows.ColumnName(c));
          sink_status = sink.Begin(names);
          PIXELDEX_RETURN_IF_ERROR(sink_status);
          values.emplace(names.size());
        }
        for (int r = 0; r < rows.rows(); ++r) {
          for (int c = 0; c < rows.columns(); ++c) {
            auto value = ValueAt(rows, r, c);
            if (!value.ok()) return value.status();
            (*values)[c] = std::move(value).value();
          }
          sink_status = sink.Row(*values);
          PIXELDEX_RETURN_IF_ERROR(sink_status);
          ++count;
        }
        return Status::Ok();
      });
  if (!sink_status.ok()) return sink_status;
  if (!streamed.ok()) {
    if (conn->last_failed_sqlstate() == kReadOnlySqlTransaction) {
      return Status::Unsupported(std::string(kReadOnlyRefusal) + " (" + streamed.message() + ")");
    }
    if (time_limit.count() > 0 && conn->last_failed_sqlstate() == kQueryCanceled) {
      return TimeLimitPassed(time_limit);
    }
    return streamed;
  }
  if (!values) PIXELDEX_RETURN_IF_ERROR(sink.Begin({}));  // a statement without a result set
  return sink.End(count);
}

}  // namespace pixeldex::index::postgres
