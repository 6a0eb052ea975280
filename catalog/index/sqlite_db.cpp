#include "catalog/index/sqlite_db.h"

#include "catalog/index/postgres/pg_uri.h"
#include "catalog/index/sqlite_native.h"

namespace pixeldex::index {

Status SqliteStatus(int code, std::string_view message) {
  std::string msg(message);
  switch (code & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return Status::Ok();
    case SQLITE_FULL:
    case SQLITE_NOMEM:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_INTERRUPT:  // a progress callback's limit (ProgressCallback)
      return Status::ResourceExhausted(msg);
    case SQLITE_CONSTRAINT:
      return Status::AlreadyExists(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(msg);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return Status::IoError(msg);
    case SQLITE_READONLY:
    case SQLITE_AUTH:
    case SQLITE_ERROR:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
      return Status::InvalidArgument(msg);
    default:
      return Status::Internal(msg);
  }
}

sqlite3* NativeHandle(const Db& db) { return db.db_; }
sqlite3_stmt* NativeHandle(const Statement& statement) { return statement.stmt_; }

const char* SqliteVersion() { return sqlite3_libversion(); }

Result<Db> Db::Open(const std::string& path, Mode mode) {
  // A PostgreSQL index is no file: whatever reads the index through SQLite
  // refuses it by name, never creating a file of that name or showing a
  // password (pg_uri.h).
  if (postgres::IsPostgresUri(path)) {
    return Status::Unsupported("this reads the SQLite index, and the index is PostgreSQL (" +
                               postgres::RedactUri(path) +
                               "): this step is not available on PostgreSQL");
  }
  // SQLite keeps process-wide allocation statistics (sqlite3_memory_used)
  // behind one global mutex that every allocation of every connection takes;
  // nothing here reads them. The setting must precede the library's
  // initialization (the first open); were SQLite initialized already, it
  // refuses with SQLITE_MISUSE and changes nothing. About 4 % of a 64x64
  // C-STORE's user-space instructions (bench/README.md, "Senders'
  // start-up; every line with 250 files per sender; what stands").
  static const int memstatus_off [[maybe_unused]] = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite3* raw = nullptr;
  const int flags = (mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY
                                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    return SqliteStatus(rc, "cannot open index " + path + ": " +
                                (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 30000);
  return db;
}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    if (db_) sqlite3_close_v2(db_);
    db_ = other.db_;
    other.db_ = nullptr;
  }
  return *this;
}

Db::~Db() {
  if (db_) sqlite3_close_v2(db_);
}

Status Db::Exec(std::string_view sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return SqliteStatus(rc, msg);
}

Result<Statement> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, sqlite3_errmsg(db_));
  if (stmt == nullptr) return Status::InvalidArgument("empty SQL statement");
  return Statement(stmt);
}

Status Db::LastError(std::string_view context) const {
  return SqliteStatus(sqlite3_extended_errcode(db_),
                      std::string(context) + ": " + sqlite3_errmsg(db_));
}

int64_t Db::Changes() const { return sqlite3_changes64(db_); }
int64_t Db::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    status_ = other.status_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Statement& Statement::BindReal(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::BindTextOrNull(int index, std::string_view text) {
  return text.empty() ? BindNull(index) : Bind(index, text);
}

bool Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) {
    status_ = SqliteStatus(rc, sqlite3_errmsg(sqlite3_db_handle(stmt_)));
  }
  return false;
}

Status Statement::Run() {
  status_ = Status::Ok();
  while (Step()) {
  }
  Status result = status_;
  Reset();
  return result;
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  status_ = Status::Ok();
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }
std::string Statement::ColumnName(int col) const { return sqlite3_column_name(stmt_, col); }
bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::Double(int col) const { return sqlite3_column_double(stmt_, col); }
ColumnKind Statement::Kind(int col) const {
  switch (sqlite3_column_type(stmt_, col)) {
    case SQLITE_INTEGER:
      return ColumnKind::kInteger;
    case SQLITE_FLOAT:
      return ColumnKind::kReal;
    case SQLITE_TEXT:
      return ColumnKind::kText;
    case SQLITE_BLOB:
      return ColumnKind::kBlob;
    default:
      return ColumnKind::kNull;
  }
}
bool Statement::IsReadOnly() const { return sqlite3_stmt_readonly(stmt_) != 0; }

std::string Statement::Text(int col) const {
  const auto* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::string_view Statement::TextView(int col) const {
  const auto* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

std::string Statement::Blob(int col) const {
  const void* bytes = sqlite3_column_blob(stmt_, col);
  if (bytes == nullptr) return {};
  return std::string(static_cast<const char*>(bytes),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

ProgressCallback::ProgressCallback(Db& db, int instructions, std::function<bool()> callback)
    : db_(NativeHandle(db)), callback_(std::move(callback)) {
  sqlite3_progress_handler(
      db_, instructions,
      [](void* self) { return static_cast<ProgressCallback*>(self)->callback_() ? 1 : 0; },
      this);
}

ProgressCallback::~ProgressCallback() { sqlite3_progress_handler(db_, 0, nullptr, nullptr); }

}  // namespace pixeldex::index
