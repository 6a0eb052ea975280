#include "catalog/index/copy/sqlite_copy_endpoint.h"

#include <filesystem>
#include <optional>

#include "catalog/index/schema.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index::copy {
namespace {

class SqliteEndpoint final : public IndexEndpoint {
 public:
  SqliteEndpoint(Db db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

  const std::string& name() const override { return path_; }

  Status PrepareSource() override {
    PIXELDEX_RETURN_IF_ERROR(PrepareForReading(db_));
    auto stmt = db_.Prepare("PRAGMA user_version");
    if (!stmt.ok()) return stmt.status();
    if (!stmt->Step()) return db_.LastError("reading the schema version");
    const int64_t version = stmt->Int(0);
    if (version != CurrentSchemaVersion()) {
      return Status::Unsupported(
          path_ + ": index schema version " + std::to_string(version) + ", this pixeldex copies " +
          std::to_string(CurrentSchemaVersion()) +
          " (open the index once with this pixeldex, e.g. 'pixeldex check', to migrate it)");
    }
    return Status::Ok();
  }

  Status PrepareDestination() override { return PrepareForWriting(db_); }

  Result<std::vector<CopyColumn>> Columns(const CopyTable& table) override {
    auto stmt = db_.Prepare("SELECT name, type FROM pragma_table_info(?) ORDER BY cid");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, table.name);
    std::vector<CopyColumn> columns;
    while (stmt->Step()) columns.push_back({stmt->Text(0), stmt->Text(1), false});
    PIXELDEX_RETURN_IF_ERROR(stmt->status());
    if (columns.empty()) return Status::NotFound(path_ + ": no table " + table.name);
    return columns;
  }

  Result<int64_t> CountRows(const CopyTable& table) override {
    auto stmt = db_.Prepare("SELECT count(*) FROM " + QuoteName(table.name));
    if (!stmt.ok()) return stmt.status();
    if (!stmt->Step()) return db_.LastError("counting rows");
    return stmt->Int(0);
  }

  Status ReadSnapshot(const std::function<Status()>& body) override {
    // A deferred transaction's snapshot starts at its first read and holds
    // until COMMIT (SQLite "Transactions"; WAL readers see one snapshot).
    return InTransaction("BEGIN", body);
  }

  Status WriteTransaction(const std::function<Status()>& body) override {
    return InTransaction("BEGIN IMMEDIATE", body);
  }

  Status ReadRows(const CopyTable& table, const std::vector<CopyColumn>& columns, int batch_rows,
                  const std::function<Status(std::vector<CopyRow>&)>& batch) override {
    std::string sql = "SELECT ";
    for (size_t i = 0; i < columns.size(); ++i) {
      sql += (i ? ", " : "") + QuoteName(columns[i].name);
    }
    sql += " FROM " + QuoteName(table.name) + " ORDER BY " + QuoteName(table.key);
    auto stmt = db_.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    std::vector<CopyRow> rows;
    while (stmt->Step()) {
      CopyRow& row = rows.emplace_back();
      for (int c = 0; c < static_cast<int>(columns.size()); ++c) row.push_back(ValueAt(*stmt, c));
      if (static_cast<int>(rows.size()) == batch_rows) {
        PIXELDEX_RETURN_IF_ERROR(batch(rows));
        rows.clear();
      }
    }
    PIXELDEX_RETURN_IF_ERROR(stmt->status());
    return rows.empty() ? Status::Ok() : batch(rows);
  }

  Status WriteRows(const CopyTable& table, const std::vector<CopyColumn>& columns,
                   const std::vector<CopyRow>& rows) override {
    if (insert_table_ != table.name) {
      auto stmt = db_.Prepare(InsertSql(table, columns));
      if (!stmt.ok()) return stmt.status();
      insert_.emplace(std::move(stmt).value());
      insert_table_ = table.name;
    }
    for (const CopyRow& row : rows) {
      for (int c = 0; c < static_cast<int>(row.size()); ++c) Bind(*insert_, c + 1, row[c]);
      PIXELDEX_RETURN_IF_ERROR(insert_->Run());
    }
    return Status::Ok();
  }

  Status Empty(const std::vector<CopyTable>& tables) override {
    for (auto it = tables.rbegin(); it != tables.rend(); ++it) {
      PIXELDEX_RETURN_IF_ERROR(db_.Exec("DELETE FROM " + QuoteName(it->name)));
    }
    return Status::Ok();
  }

  // SQLite cannot set triggers aside; the study count triggers
  // (study_counts.h) recount each study from the copied rows, which gives
  // what a consistent source holds.
  Status StartTable(const CopyTable&) override { return Status::Ok(); }
  // An INTEGER PRIMARY KEY takes max + 1 for the next row by itself.
  Status FinishTable(const CopyTable&) override { return Status::Ok(); }

 private:
  Status InTransaction(std::string_view begin, const std::function<Status()>& body) {
    PIXELDEX_RETURN_IF_ERROR(db_.Exec(begin));
    Status status = body();
    insert_.reset();  // a statement in progress would keep the transaction busy
    insert_table_.clear();
    if (status.ok()) status = db_.Exec("COMMIT");
    if (!status.ok()) (void)db_.Exec("ROLLBACK");  // failing anyway, with the first reason
    return status;
  }

  // DICOM JSON from PostgreSQL's jsonb comes as jsonb prints it; json()
  // stores it minified, as pixeldex writes headers.
  static std::string InsertSql(const CopyTable& table, const std::vector<CopyColumn>& columns) {
    std::string names, values;
    for (size_t i = 0; i < columns.size(); ++i) {
      names += (i ? ", " : "") + QuoteName(columns[i].name);
      values += i ? ", " : "";
      values += columns[i].json ? "json(?)" : "?";
    }
    return "INSERT INTO " + QuoteName(table.name) + " (" + names + ") VALUES (" + values + ")";
  }

  static CopyValue ValueAt(const Statement& stmt, int c) {
    switch (stmt.Kind(c)) {
      case ColumnKind::kNull:
        return CopyValue::Null();
      case ColumnKind::kInteger:
        return CopyValue::Integer(stmt.Int(c));
      case ColumnKind::kBlob:
        return CopyValue::Bytes(stmt.Blob(c));
      case ColumnKind::kReal:  // the index holds none; as text, which keeps every digit
      case ColumnKind::kText:
        break;
    }
    return CopyValue::Text(stmt.Text(c));
  }

  static void Bind(Statement& stmt, int index, const CopyValue& value) {
    switch (value.kind) {
      case CopyValue::Kind::kNull:
        stmt.BindNull(index);
        break;
      case CopyValue::Kind::kInteger:
        stmt.Bind(index, value.integer);
        break;
      case CopyValue::Kind::kText:
        stmt.Bind(index, std::string_view(value.text));
        break;
      case CopyValue::Kind::kBytes:
        stmt.BindBlob(index, value.text);
        break;
    }
  }

  Db db_;
  std::string path_;
  std::optional<Statement> insert_;
  std::string insert_table_;
};

}  // namespace

Result<std::unique_ptr<IndexEndpoint>> OpenSqliteEndpoint(const std::string& path,
                                                          EndpointRole role) {
  if (role == EndpointRole::kSource && !std::filesystem::exists(path)) {
    return Status::NotFound(path + ": no such index file");
  }
  auto db =
      Db::Open(path, role == EndpointRole::kSource ? Db::Mode::kReadOnly : Db::Mode::kReadWrite);
  if (!db.ok()) return db.status();
  return std::unique_ptr<IndexEndpoint>(new SqliteEndpoint(std::move(db).value(), path));
}

}  // namespace pixeldex::index::copy
