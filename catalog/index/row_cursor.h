#pragma once
// RowCursor: the rows of one read statement on the index, one at a time,
// whichever database holds the index (issue 18), so that the C-FIND engine
// (catalog/query/find_engine.h) is one for SQLite and PostgreSQL. A cursor
// is made from a statement whose values were bound as parameters; it never
// takes SQL text with values in it.
//
// SqliteRowCursor steps a prepared SQLite Statement (sqlite_db.h);
// PgRowCursor (postgres/pg_row_cursor.h) fetches from a PostgreSQL cursor.
// Not thread-safe; the connection a cursor reads must outlive it.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "catalog/common/result.h"
#include "catalog/index/sqlite_db.h"
#include "catalog/index/statement_cache.h"

namespace pixeldex::index {

class RowCursor {
 public:
  virtual ~RowCursor() = default;

  // Advances: true when a row is available, false when there are no more.
  virtual Result<bool> Step() = 0;
  // Of the current row; columns are 0-based. Text is empty for NULL; a
  // TextView is valid until the next Step.
  virtual bool IsNull(int col) const = 0;
  virtual std::string_view TextView(int col) const = 0;
  std::string Text(int col) const { return std::string(TextView(col)); }
  // An integer column (0 for NULL).
  virtual int64_t Int(int col) const = 0;
  // A BLOB (SQLite) or bytea (PostgreSQL) column's bytes; empty for NULL.
  virtual Result<std::string> Bytes(int col) const = 0;
};

class SqliteRowCursor final : public RowCursor {
 public:
  // `progress`, when given, lives as long as the statement (it watches the
  // statement's steps) and ends after it.
  explicit SqliteRowCursor(Statement statement,
                           std::unique_ptr<ProgressCallback> progress = nullptr)
      : progress_(std::move(progress)), statement_(std::move(statement)) {}
  // The same, for a statement `cache` handed out for `sql`: it goes back
  // there (reset) when the cursor ends.
  SqliteRowCursor(Statement statement, std::unique_ptr<ProgressCallback> progress,
                  StatementCache* cache, std::string sql)
      : progress_(std::move(progress)),
        statement_(std::move(statement)),
        cache_(cache),
        sql_(std::move(sql)) {}
  ~SqliteRowCursor() override;
  SqliteRowCursor(const SqliteRowCursor&) = delete;
  SqliteRowCursor& operator=(const SqliteRowCursor&) = delete;

  Result<bool> Step() override;
  bool IsNull(int col) const override { return statement_.IsNull(col); }
  std::string_view TextView(int col) const override { return statement_.TextView(col); }
  int64_t Int(int col) const override { return statement_.Int(col); }
  Result<std::string> Bytes(int col) const override { return statement_.Blob(col); }

 private:
  std::unique_ptr<ProgressCallback> progress_;  // declared first: destroyed last
  Statement statement_;
  StatementCache* cache_ = nullptr;
  std::string sql_;
};

}  // namespace pixeldex::index
