#include "catalog/index/sql_query.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "catalog/index/schema.h"
#include "catalog/index/sqlite_native.h"

namespace pixeldex::index {
namespace {

// PRAGMAs that only read. They are allowed without a value ("PRAGMA
// user_version") or, for the first group, with the name of the table or index
// they describe ("PRAGMA table_info(instances)"); "PRAGMA user_version=5" and
// everything not listed are refused. journal_mode is missing on purpose: even
// its read form is not a read-only statement for sqlite3_stmt_readonly().
constexpr std::array kPragmasWithArgument = {
    "table_info",  "table_xinfo",       "table_list",        "index_list",
    "index_info",  "index_xinfo",       "foreign_key_list",  "foreign_key_check",
    "integrity_check", "quick_check",
};
constexpr std::array kPragmasReadOnly = {
    "user_version",  "schema_version", "application_id", "data_version",
    "page_count",     "page_size",      "freelist_count",
    "encoding",      "foreign_keys",   "query_only",     "database_list",
    "collation_list", "function_list", "module_list",    "pragma_list",
    "compile_options", "auto_vacuum",  "synchronous",    "cache_size",
};

// Functions with effects beyond their result: fts3_tokenizer returns the
// address of a tokenizer module (a heap pointer) and, with two arguments,
// installs one from a pointer; load_extension runs a shared library.
constexpr std::array kDeniedFunctions = {"fts3_tokenizer", "load_extension"};

template <size_t N>
bool Contains(const std::array<const char*, N>& names, const std::string& name) {
  return std::find_if(names.begin(), names.end(),
                      [&](const char* n) { return name == n; }) != names.end();
}

std::string Lower(const char* text) {
  std::string out = text ? text : "";
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// What the authorizer denied, for the refusal message.
std::string DescribeAction(int action, const char* arg1, const char* arg2) {
  switch (action) {
    case SQLITE_INSERT: return std::string("INSERT into ") + (arg1 ? arg1 : "?");
    case SQLITE_UPDATE: return std::string("UPDATE of ") + (arg1 ? arg1 : "?");
    case SQLITE_DELETE: return std::string("DELETE from ") + (arg1 ? arg1 : "?");
    case SQLITE_ATTACH: return "ATTACH";
    case SQLITE_DETACH: return "DETACH";
    case SQLITE_PRAGMA: return "PRAGMA " + Lower(arg1) + " with a value (or not a read-only PRAGMA)";
    case SQLITE_TRANSACTION: return "transaction control";
    case SQLITE_SAVEPOINT: return "SAVEPOINT";
    case SQLITE_ANALYZE: return "ANALYZE";
    case SQLITE_FUNCTION: return "the function " + Lower(arg2);
    default: return "a statement that changes the schema or the data";
  }
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == ';'; });
}

struct StatementDeleter {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

SqlValue ReadValue(sqlite3_stmt* stmt, int col) {
  SqlValue v;
  switch (sqlite3_column_type(stmt, col)) {
    case SQLITE_INTEGER:
      v.type = SqlValue::Type::kInteger;
      v.integer = sqlite3_column_int64(stmt, col);
      break;
    case SQLITE_FLOAT:
      v.type = SqlValue::Type::kReal;
      v.real = sqlite3_column_double(stmt, col);
      break;
    case SQLITE_TEXT: {
      v.type = SqlValue::Type::kText;
      const auto* text = sqlite3_column_text(stmt, col);
      v.bytes.assign(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, col));
      break;
    }
    case SQLITE_BLOB: {
      v.type = SqlValue::Type::kBlob;
      const void* blob = sqlite3_column_blob(stmt, col);
      const int size = sqlite3_column_bytes(stmt, col);
      if (size > 0) v.bytes.assign(static_cast<const char*>(blob), size);
      break;
    }
    default:
      break;
  }
  return v;
}

}  // namespace

struct ReadOnlyQuery::Guard {
  std::string denied;  // the first denied action of the current prepare

  static int Authorize(void* self, int action, const char* arg1, const char* arg2,
                       const char* /*db*/, const char* /*trigger*/) {
    auto* guard = static_cast<Guard*>(self);
    switch (action) {
      case SQLITE_SELECT:
      case SQLITE_READ:
      case SQLITE_RECURSIVE:
        return SQLITE_OK;
      case SQLITE_FUNCTION:
        if (!Contains(kDeniedFunctions, Lower(arg2))) return SQLITE_OK;
        break;
      case SQLITE_UPDATE:
        // Table-valued PRAGMAs (SELECT * FROM pragma_table_info('series'))
        // declare their virtual table with an UPDATE of sqlite_master while the
        // statement is prepared; that code never runs. A real UPDATE of the
        // schema table is no read-only statement and is refused after prepare
        // (and blocked by defensive mode, query_only and the read-only open).
        if (arg1 != nullptr && std::string_view(arg1) == "sqlite_master") return SQLITE_OK;
        break;
      case SQLITE_PRAGMA: {
        const std::string name = Lower(arg1);
        if (Contains(kPragmasWithArgument, name)) return SQLITE_OK;
        if (arg2 == nullptr && Contains(kPragmasReadOnly, name)) return SQLITE_OK;
        break;
      }
      default:
        break;
    }
    if (guard->denied.empty()) guard->denied = DescribeAction(action, arg1, arg2);
    return SQLITE_DENY;
  }
};

ReadOnlyQuery::ReadOnlyQuery(Db db, std::unique_ptr<Guard> guard)
    : db_(std::move(db)), guard_(std::move(guard)) {}
ReadOnlyQuery::ReadOnlyQuery(ReadOnlyQuery&&) noexcept = default;
ReadOnlyQuery& ReadOnlyQuery::operator=(ReadOnlyQuery&&) noexcept = default;
ReadOnlyQuery::~ReadOnlyQuery() = default;

Result<ReadOnlyQuery> ReadOnlyQuery::Open(const std::string& index_path) {
  auto db = Db::Open(index_path, Db::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  sqlite3* handle = NativeHandle(*db);
  sqlite3_db_config(handle, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(handle, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_db_config(handle, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, nullptr);
  // trusted_schema stays on: SQLite 3.40 does not mark its JSON functions
  // innocuous, so with it off the documented views (tags) stop working. A
  // view in a hostile index file gains little by it: SQLite never lets a
  // view call a direct-only function (fts3_tokenizer, load_extension), and
  // the authorizer sees every function a view calls, as if it were typed.
  sqlite3_limit(handle, SQLITE_LIMIT_ATTACHED, 0);
  PIXELDEX_RETURN_IF_ERROR(PrepareForReading(*db));
  auto guard = std::make_unique<Guard>();
  sqlite3_set_authorizer(handle, &Guard::Authorize, guard.get());
  return ReadOnlyQuery(std::move(db).value(), std::move(guard));
}

Status ReadOnlyQuery::Run(std::string_view sql, RowSink& sink) { return Run(sql, {}, sink); }

Status ReadOnlyQuery::Run(std::string_view sql, const std::vector<std::string>& parameters,
                         RowSink& sink) {
  sqlite3* handle = NativeHandle(db_);
  guard_->denied.clear();
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(handle, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  StatementPtr stmt(raw);
  if (!guard_->denied.empty()) {
    return Status::Unsupported(std::string(kReadOnlyRefusal) + " (it cannot run " +
                               guard_->denied + ")");
  }
  if (rc != SQLITE_OK) return SqliteStatus(rc, sqlite3_errmsg(handle));
  if (!stmt) return Status::InvalidArgument("empty SQL statement");
  if (!sqlite3_stmt_readonly(stmt.get())) {
    return Status::Unsupported(std::string(kReadOnlyRefusal) +
                               " (the statement would change the database)");
  }
  const std::string_view rest(tail, sql.data() + sql.size() - tail);
  if (!IsBlank(rest)) {
    // Comments parse to no statement; anything else is a second statement.
    sqlite3_stmt* next = nullptr;
    const int next_rc =
        sqlite3_prepare_v2(handle, rest.data(), static_cast<int>(rest.size()), &next, nullptr);
    const bool another = next_rc != SQLITE_OK || next != nullptr || !guard_->denied.empty();
    sqlite3_finalize(next);
    if (another) {
      return Status::InvalidArgument("pixeldex query runs one SQL statement at a time; found more "
                                     "after the first ';'");
    }
  }

  if (sqlite3_bind_parameter_count(stmt.get()) != static_cast<int>(parameters.size())) {
    return Status::InvalidArgument("the statement takes " +
                                   std::to_string(sqlite3_bind_parameter_count(stmt.get())) +
                                   " parameters, " + std::to_string(parameters.size()) + " given");
  }
  for (size_t i = 0; i < parameters.size(); ++i) {
    rc = sqlite3_bind_text(stmt.get(), static_cast<int>(i + 1), parameters[i].data(),
                           static_cast<int>(parameters[i].size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) return SqliteStatus(rc, sqlite3_errmsg(handle));
  }

  std::optional<ProgressCallback> watchdog;
  bool timed_out = false;
  if (time_limit_.count() > 0) {
    const auto deadline = std::chrono::steady_clock::now() + time_limit_;
    watchdog.emplace(db_, 10000, [deadline, &timed_out] {
      timed_out = std::chrono::steady_clock::now() > deadline;
      return timed_out;
    });
  }
  const int columns = sqlite3_column_count(stmt.get());
  std::vector<std::string> names;
  for (int c = 0; c < columns; ++c) names.emplace_back(sqlite3_column_name(stmt.get(), c));
  PIXELDEX_RETURN_IF_ERROR(sink.Begin(names));
  int64_t rows = 0;
  std::vector<SqlValue> values(columns);
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    for (int c = 0; c < columns; ++c) values[c] = ReadValue(stmt.get(), c);
    PIXELDEX_RETURN_IF_ERROR(sink.Row(values));
    ++rows;
  }
  if (timed_out) {
    return TimeLimitPassed(time_limit_);
  }
  if (rc != SQLITE_DONE) return SqliteStatus(rc, sqlite3_errmsg(handle));
  return sink.End(rows);
}

Status TimeLimitPassed(std::chrono::milliseconds limit) {
  return Status::ResourceExhausted("the query ran longer than " + std::to_string(limit.count()) +
                                   " ms and was stopped");
}

}  // namespace pixeldex::index
