#include "catalog/index/copy/pg_copy_endpoint.h"

#include <algorithm>
#include <optional>

#include "catalog/index/postgres/pg_connection.h"
#include "catalog/index/postgres/pg_schema.h"

namespace pixeldex::index::copy {
namespace {

using postgres::PgConnection;
using postgres::PgParam;
using postgres::PgRows;

// libpq sends at most 65535 parameters with one statement (the protocol's
// parameter count is 16 bits, PostgreSQL documentation 55.7 "Bind").
constexpr int kMaxParameters = 65535;

bool IsIntegerType(const std::string& type) {
  return type == "bigint" || type == "integer" || type == "smallint";
}

class PgEndpoint final : public IndexEndpoint {
 public:
  explicit PgEndpoint(PgConnection conn) : conn_(std::move(conn)) {}

  const std::string& name() const override { return conn_.redacted_uri(); }

  Status PrepareSource() override {
    auto version = postgres::ReadPostgresSchemaVersion(conn_);
    if (!version.ok()) return version.status();
    if (*version != postgres::PostgresSchemaVersion()) {
      return Status::Unsupported(name() + ": index schema version " + std::to_string(*version) +
                                 ", this pixeldex copies " +
                                 std::to_string(postgres::PostgresSchemaVersion()));
    }
    return Status::Ok();
  }

  Status PrepareDestination() override { return postgres::MigratePostgresSchema(conn_); }

  Result<std::vector<CopyColumn>> Columns(const CopyTable& table) override {
    auto rows = conn_.Exec(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        {PgParam::Text(table.name)});
    if (!rows.ok()) return rows.status();
    std::vector<CopyColumn> columns;
    for (int r = 0; r < rows->rows(); ++r) {
      std::string type(rows->Text(r, 1));
      const bool json = type == "jsonb" || type == "json";
      columns.push_back({std::string(rows->Text(r, 0)), std::move(type), json});
    }
    if (columns.empty()) return Status::NotFound(name() + ": no table " + table.name);
    return columns;
  }

  Result<int64_t> CountRows(const CopyTable& table) override {
    auto rows = conn_.Exec("SELECT count(*) FROM " + QuoteName(table.name));
    if (!rows.ok()) return rows.status();
    return rows->Int(0, 0);
  }

  Status ReadSnapshot(const std::function<Status()>& body) override {
    return conn_.Transaction([&](PgConnection&) { return body(); },
                             "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  }

  Status WriteTransaction(const std::function<Status()>& body) override {
    return conn_.Transaction([&](PgConnection&) { return body(); });
  }

  Status ReadRows(const CopyTable& table, const std::vector<CopyColumn>& columns, int batch_rows,
                  const std::function<Status(std::vector<CopyRow>&)>& batch) override {
    // The key is read last, as text, to start the next page after it.
    std::string select = "SELECT ";
    for (const CopyColumn& column : columns) select += QuoteName(column.name) + ", ";
    select += QuoteName(table.key) + "::text AS copy_key FROM " + QuoteName(table.name);
    const std::string order =
        " ORDER BY " + QuoteName(table.key) + " LIMIT " + std::to_string(batch_rows);
    const std::string first_page = select + order;
    const std::string next_page = select + " WHERE " + QuoteName(table.key) + " > $1" + order;
    std::optional<std::string> last_key;
    std::vector<CopyRow> rows;
    for (;;) {
      auto page =
          last_key ? conn_.Exec(next_page, {PgParam::Text(*last_key)}) : conn_.Exec(first_page);
      if (!page.ok()) return page.status();
      if (page->rows() == 0) return Status::Ok();
      rows.clear();
      for (int r = 0; r < page->rows(); ++r) {
        CopyRow& row = rows.emplace_back();
        for (int c = 0; c < static_cast<int>(columns.size()); ++c) {
          auto value = ValueAt(*page, r, c, columns[c]);
          if (!value.ok()) return value.status();
          row.push_back(std::move(value).value());
        }
      }
      last_key = std::string(page->Text(page->rows() - 1, static_cast<int>(columns.size())));
      PIXELDEX_RETURN_IF_ERROR(batch(rows));
      if (page->rows() < batch_rows) return Status::Ok();
    }
  }

  Status WriteRows(const CopyTable& table, const std::vector<CopyColumn>& columns,
                   const std::vector<CopyRow>& rows) override {
    auto types = DestinationTypes(table, columns);
    if (!types.ok()) return types.status();
    const size_t per_statement =
        std::max<size_t>(1, kMaxParameters / std::max<size_t>(1, columns.size()));
    std::vector<PgParam> params;
    for (size_t first = 0; first < rows.size(); first += per_statement) {
      const size_t count = std::min(per_statement, rows.size() - first);
      params.clear();
      for (size_t r = first; r < first + count; ++r) {
        for (const CopyValue& value : rows[r]) params.push_back(ParamOf(value));
      }
      PIXELDEX_RETURN_IF_ERROR(
          conn_.Exec(InsertSql(table, columns, *types, count), params).status());
    }
    return Status::Ok();
  }

  Status Empty(const std::vector<CopyTable>& tables) override {
    // One TRUNCATE of them all: no row triggers, keys start again at 1
    // (SQL command reference, TRUNCATE ... RESTART IDENTITY); transactional.
    std::string sql = "TRUNCATE ";
    for (size_t i = 0; i < tables.size(); ++i) sql += (i ? ", " : "") + QuoteName(tables[i].name);
    return conn_.Exec(sql + " RESTART IDENTITY").status();
  }

  // The study count triggers (pg_schema_sql.cpp) would recount a study for
  // every series and instance copied; the copied studies hold their counts
  // already. DISABLE TRIGGER USER leaves the foreign keys' triggers on (SQL
  // command reference, ALTER TABLE); being DDL, it is undone with the
  // transaction if the copy fails. It needs the table's owner.
  Status StartTable(const CopyTable& table) override {
    return conn_.Exec("ALTER TABLE " + QuoteName(table.name) + " DISABLE TRIGGER USER").status();
  }

  Status FinishTable(const CopyTable& table) override {
    PIXELDEX_RETURN_IF_ERROR(
        conn_.Exec("ALTER TABLE " + QuoteName(table.name) + " ENABLE TRIGGER USER").status());
    // An identity column's sequence knows nothing of keys given explicitly
    // (CREATE TABLE, GENERATED BY DEFAULT AS IDENTITY): move it past them.
    auto sequence = conn_.Exec("SELECT pg_get_serial_sequence($1, $2)",
                               {PgParam::Text(table.name), PgParam::Text(table.key)});
    if (!sequence.ok()) return sequence.status();
    if (sequence->IsNull(0, 0)) return Status::Ok();  // a key that is no identity column
    const std::string sql = "SELECT setval($1, coalesce((SELECT max(" + QuoteName(table.key) +
                            ") FROM " + QuoteName(table.name) + "), 0) + 1, false)";
    return conn_.Exec(sql, {PgParam::Text(std::string(sequence->Text(0, 0)))}).status();
  }

 private:
  static Result<CopyValue> ValueAt(const PgRows& rows, int r, int c, const CopyColumn& column) {
    if (rows.IsNull(r, c)) return CopyValue::Null();
    if (IsIntegerType(column.type)) {
      auto value = rows.Int(r, c);
      if (!value.ok()) return value.status();
      return CopyValue::Integer(*value);
    }
    if (column.type == "bytea") {
      auto bytes = rows.Bytes(r, c);
      if (!bytes.ok()) return bytes.status();
      return CopyValue::Bytes(std::move(bytes).value());
    }
    return CopyValue::Text(std::string(rows.Text(r, c)));  // jsonb prints its JSON text
  }

  static PgParam ParamOf(const CopyValue& value) {
    switch (value.kind) {
      case CopyValue::Kind::kNull:
        return PgParam::Null();
      case CopyValue::Kind::kInteger:
        return PgParam::Int(value.integer);
      case CopyValue::Kind::kText:
        return PgParam::Text(value.text);
      case CopyValue::Kind::kBytes:
        return PgParam::Bytes(value.text);
    }
    return PgParam::Null();
  }

  // This database's type of each of `columns`, for the parameters' casts.
  Result<std::vector<std::string>> DestinationTypes(const CopyTable& table,
                                                    const std::vector<CopyColumn>& columns) {
    if (types_table_ == table.name) return types_;
    auto own = Columns(table);
    if (!own.ok()) return own.status();
    std::vector<std::string> types;
    for (const CopyColumn& column : columns) {
      auto it = std::find_if(own->begin(), own->end(),
                             [&](const CopyColumn& c) { return c.name == column.name; });
      if (it == own->end()) {
        return Status::InvalidArgument(name() + ": table " + table.name + " has no column " +
                                       column.name);
      }
      types.push_back(it->type);
    }
    types_table_ = table.name;
    types_ = types;
    return types;
  }

  static std::string InsertSql(const CopyTable& table, const std::vector<CopyColumn>& columns,
                               const std::vector<std::string>& types, size_t rows) {
    std::string sql = "INSERT INTO " + QuoteName(table.name) + " (";
    for (size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + QuoteName(columns[i].name);
    sql += ") VALUES ";
    int parameter = 0;
    for (size_t r = 0; r < rows; ++r) {
      sql += r ? ", (" : "(";
      for (size_t i = 0; i < columns.size(); ++i) {
        sql += (i ? ", $" : "$") + std::to_string(++parameter) + "::" + types[i];
      }
      sql += ")";
    }
    return sql;
  }

  PgConnection conn_;
  std::string types_table_;
  std::vector<std::string> types_;
};

}  // namespace

Result<std::unique_ptr<IndexEndpoint>> OpenPostgresEndpoint(const std::string& uri) {
  auto conn = PgConnection::Open(uri);
  if (!conn.ok()) return conn.status();
  return std::unique_ptr<IndexEndpoint>(new PgEndpoint(std::move(conn).value()));
}

}  // namespace pixeldex::index::copy
