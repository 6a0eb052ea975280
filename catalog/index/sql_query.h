#pragma once
// ReadOnlyQuery: runs an analyst's SQL statement (`pixeldex query`) against an
// index file and guarantees that it cannot change anything, whatever the SQL
// says. Four independent locks:
//   1. the file is opened with SQLITE_OPEN_READONLY (and defensive mode, no
//      extension loading, no attached databases, no FTS3 tokenizer pointers);
//   2. PRAGMA query_only=ON;
//   3. an authorizer that allows only reads (SELECT, reading tables and
//      views, functions except fts3_tokenizer and load_extension, recursive
//      CTEs; also in the file's own views) and the read-only PRAGMAs of an
//      allowlist called without a value; ATTACH, DETACH, writes, schema changes, transactions and every
//      other PRAGMA are denied;
//   4. a prepared statement for which sqlite3_stmt_readonly() is false is
//      refused before it runs.
// Exactly one statement per Run (trailing whitespace, comments and ';' are
// fine), so that every statement executed is one that was checked.
//
// The connection waits for the writer (busy timeout) and reads in WAL mode,
// so queries run while a server ingests. An optional time limit stops a
// runaway statement (the web page's SQL console sets one). One ReadOnlyQuery
// per thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {

// One value of a result row, typed as SQLite returned it.
struct SqlValue {
  enum class Type { kNull, kInteger, kReal, kText, kBlob };
  Type type = Type::kNull;
  int64_t integer = 0;
  double real = 0;
  std::string bytes;  // kText (UTF-8 as stored) or kBlob
};

// Receives a result as it is produced: Begin once, Row per row, End once
// (only after the last row was read without error). A non-ok Status stops
// the query and is returned by ReadOnlyQuery::Run.
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual Status Begin(const std::vector<std::string>& columns) = 0;
  virtual Status Row(const std::vector<SqlValue>& values) = 0;
  virtual Status End(int64_t row_count) = 0;
};

// The message of every refusal starts with this.
inline constexpr std::string_view kReadOnlyRefusal = "refused: pixeldex query is read-only";

// What a query stopped by its time limit fails with, on either database.
Status TimeLimitPassed(std::chrono::milliseconds limit);

class ReadOnlyQuery {
 public:
  // Opens an existing index file. Errors: kIoError / kInvalidArgument (not
  // there, not readable), kCorruption (not an SQLite database).
  static Result<ReadOnlyQuery> Open(const std::string& index_path);

  ReadOnlyQuery(ReadOnlyQuery&&) noexcept;
  ReadOnlyQuery& operator=(ReadOnlyQuery&&) noexcept;
  ~ReadOnlyQuery();

  // From now on each Run is interrupted once it has run for `limit`
  // (zero: no limit, the default).
  void SetTimeLimit(std::chrono::milliseconds limit) { time_limit_ = limit; }

  // Runs one statement, streaming its rows into `sink`. Errors:
  // kUnsupported with kReadOnlyRefusal (the statement could write),
  // kInvalidArgument (SQL error, empty SQL, more than one statement; the
  // message is SQLite's), kResourceExhausted (the writer held the lock past
  // the busy timeout, or the time limit passed), or whatever the sink
  // returned.
  Status Run(std::string_view sql, RowSink& sink);
  // The same, with `parameters` bound as text to ?1, ?2, ... in order (for
  // values from input that must never become SQL text, e.g. UIDs). Errors as
  // above; kInvalidArgument when the statement has a different number of
  // parameters.
  Status Run(std::string_view sql, const std::vector<std::string>& parameters, RowSink& sink);

 private:
  struct Guard;
  ReadOnlyQuery(Db db, std::unique_ptr<Guard> guard);
  Db db_;
  std::unique_ptr<Guard> guard_;  // the authorizer's state; its address is registered
  std::chrono::milliseconds time_limit_{0};
};

}  // namespace pixeldex::index
