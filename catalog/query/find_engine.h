#pragma once
// The C-FIND engine over the index, SQLite or PostgreSQL (index_reader.h):
// executes the matching plan of a FindRequest and yields one FindMatch per
// matching entity, streaming from the statement's cursor (never holding all
// results in memory).
//
// FindCursor is the pull interface the DIMSE bridge needs (DCMTK asks for one
// response at a time and checks C-CANCEL in between); RunFind is the push
// interface built on it. Neither is thread-safe: one cursor per association,
// on a reader (or a SQLite connection: read-only, index::PrepareForReading)
// that outlives it.
//
// Every response carries Specific Character Set (0008,0005) "ISO_IR 192",
// Query/Retrieve Level (0008,0052), the unique keys of the query level and
// the levels above it, and every requested key: a key the index does not know
// comes back zero-length (PS3.4 C.4.1.1.3.2).

#include <functional>
#include <optional>

#include "catalog/common/result.h"
#include "catalog/index/row_cursor.h"
#include "catalog/index/sqlite_db.h"
#include "catalog/index/statement_cache.h"
#include "catalog/query/find_options.h"
#include "catalog/query/index_reader.h"
#include "catalog/query/query_types.h"
#include "catalog/query/sql_plan.h"

namespace pixeldex::query {

class FindCursor {
 public:
  // With a page, only the window's matches, in the level's key order (QIDO-RS).
  static Result<FindCursor> Open(IndexReader& reader, const FindRequest& request,
                                 const FindOptions& options, const ReadWatch& watch,
                                 const std::optional<FindPage>& page = std::nullopt);
  // The same on a SQLite connection, unwatched.
  static Result<FindCursor> Open(index::Db& db, const FindRequest& request,
                                 const FindOptions& options,
                                 const std::optional<FindPage>& page = std::nullopt);

  // The next match; nullopt when matching is complete or the max_results
  // limit was reached (see limit_reached()). Errors are the database's and
  // JSON failures.
  Result<std::optional<FindMatch>> Next();
  // The same, written over `*match` (true) or nothing (false): the strings
  // and vectors of the previous match are reused, so that once they have
  // grown, reading a row of text and list columns allocates nothing. Any
  // FindMatch may be passed; its previous contents are all replaced.
  Result<bool> Next(FindMatch* match);

  // True once Next() stopped because more than max_results entities match.
  bool limit_reached() const { return limit_reached_; }
  size_t returned() const { return returned_; }
  // A key carried a value the index cannot match on (PS3.4 C.4.1.1.4 FF01).
  bool unsupported_matching() const { return plan_.unsupported_matching; }

 private:
  FindCursor(std::unique_ptr<index::RowCursor> rows, SqlPlan plan, FindRequest request,
             FindOptions options);
  Status ReadRow(FindMatch* match) const;

  std::unique_ptr<index::RowCursor> rows_;
  SqlPlan plan_;
  FindRequest request_;
  FindOptions options_;
  // The source of each attribute of a match, in tag order: a plan column's
  // index, or kCharacterSetSlot / kLevelSlot (the two the engine adds).
  std::vector<int> slots_;
  size_t returned_ = 0;
  bool done_ = false;
  bool limit_reached_ = false;
};

struct FindOutcome {
  size_t matches = 0;
  bool cancelled = false;      // on_match returned false
  bool limit_reached = false;  // stopped after options.max_results matches
  bool unsupported_matching = false;
};

// Calls on_match for each match until it returns false (C-CANCEL), the
// limit is reached or matching completes.
Result<FindOutcome> RunFind(index::Db& db, const FindRequest& request,
                            const FindOptions& options,
                            const std::function<bool(const FindMatch&)>& on_match);

// Prepares and binds the plan's statement (also used by the query-plan test);
// with `cache`, takes it from there when kept (statement_cache.h).
Result<index::Statement> PrepareFind(index::Db& db, const SqlPlan& plan,
                                     index::StatementCache* cache = nullptr);

}  // namespace pixeldex::query
