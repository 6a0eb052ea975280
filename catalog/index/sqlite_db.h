#pragma once
// A thin RAII layer over the SQLite C API: Db owns a connection, Statement a
// prepared statement. This is the one place where SQLite result codes become
// Status values. Neither type is thread-safe; use one per thread (or guard it).
// The SQLite handles are opaque here: code outside catalog/index binds, steps
// and reads through these types only, and never sees the SQLite API. The few
// index files that need a raw handle (the read-only query guard, the reader
// pool) get it from sqlite_native.h.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pixeldex::index {

class Statement;

// The storage class of a column's value in the current row (SQLite's
// dynamic typing: one column may hold values of several kinds).
enum class ColumnKind { kNull, kInteger, kReal, kText, kBlob };

// The version of the SQLite library linked in (for `pixeldex --version`).
const char* SqliteVersion();

class Db {
 public:
  enum class Mode { kReadWrite, kReadOnly };
  // Opens (and for kReadWrite creates) the database file. Sets a busy timeout
  // so that readers and the writer wait for each other instead of failing.
  static Result<Db> Open(const std::string& path, Mode mode);

  Db(Db&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // Runs one or more statements that return no rows.
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  // Converts the connection's last error into a Status, prefixed by `context`.
  Status LastError(std::string_view context) const;
  // Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  int64_t Changes() const;
  // The rowid of the last row this connection inserted.
  int64_t LastInsertRowId() const;

 private:
  friend sqlite3* NativeHandle(const Db& db);
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binders take 1-based parameter indexes. Empty optional / nullopt bind NULL.
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, const std::optional<int64_t>& value);
  Statement& BindReal(int index, double value);
  Statement& BindNull(int index);
  // Binds text, or NULL when the text is empty (descriptive columns store
  // absent and empty DICOM values alike as NULL).
  Statement& BindTextOrNull(int index, std::string_view text);

  // Advances; true when a row is available, false when done. Errors are
  // reported through status() after Step returns false.
  bool Step();
  Status status() const { return status_; }
  // Runs a statement that returns no rows (or ignores them) and resets it.
  Status Run();
  // Resets for re-execution and clears bindings.
  void Reset();

  int ColumnCount() const;
  std::string ColumnName(int col) const;
  bool IsNull(int col) const;
  int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  // The same text without a copy; valid until the next Step, Reset or the
  // statement's end.
  std::string_view TextView(int col) const;
  // The bytes of a BLOB (or TEXT) column; empty for NULL.
  std::string Blob(int col) const;
  ColumnKind Kind(int col) const;
  // True when the statement cannot change the database (sqlite3_stmt_readonly).
  bool IsReadOnly() const;

 private:
  friend class Db;
  friend sqlite3_stmt* NativeHandle(const Statement& statement);
  Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

// While it lives, SQLite calls `callback` about every `instructions` virtual
// machine instructions of whatever statement `db` runs (sqlite3_progress_handler),
// so that a long step leaves room for other work of the same thread. When the
// callback returns true the statement is interrupted: its step fails with
// SQLITE_INTERRUPT (kResourceExhausted). The callback must not use `db`;
// `db` must outlive this object.
class ProgressCallback {
 public:
  ProgressCallback(Db& db, int instructions, std::function<bool()> callback);
  ProgressCallback(const ProgressCallback&) = delete;
  ProgressCallback& operator=(const ProgressCallback&) = delete;
  ~ProgressCallback();

 private:
  sqlite3* db_;
  std::function<bool()> callback_;
};

}  // namespace pixeldex::index
