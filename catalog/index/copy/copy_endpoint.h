#pragma once
// IndexEndpoint: one side of `pixeldex index copy` (index_copy.h), a SQLite
// index file or a PostgreSQL database, seen as tables of rows. The copy reads
// the source's tables in key order, in batches, inside one read snapshot, and
// writes them to the destination with bound parameters inside one write
// transaction: a copy that fails leaves the destination as it was.
//
// Values travel in the copy's own small model (CopyValue): integer, text or
// bytes (SQLite's storage classes without REAL, which the index never holds;
// PostgreSQL's bigint, text/jsonb and bytea). Each endpoint speaks its own
// database's types: a column's `type` is the type its own schema declares,
// and `json` says whether it holds DICOM JSON (PS3.18 F.2), which
// PostgreSQL keeps as jsonb and SQLite as text.
//
// Not thread-safe: one thread uses an endpoint at a time.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/common/result.h"

namespace pixeldex::index::copy {

struct CopyValue {
  enum class Kind { kNull, kInteger, kText, kBytes };
  Kind kind = Kind::kNull;
  int64_t integer = 0;
  std::string text;  // kText and kBytes

  static CopyValue Null() { return {}; }
  static CopyValue Integer(int64_t v) { return {Kind::kInteger, v, {}}; }
  static CopyValue Text(std::string v) { return {Kind::kText, 0, std::move(v)}; }
  static CopyValue Bytes(std::string v) { return {Kind::kBytes, 0, std::move(v)}; }
};
using CopyRow = std::vector<CopyValue>;

struct CopyColumn {
  std::string name;
  std::string type;   // as the endpoint's schema declares it (INTEGER, bigint, jsonb...)
  bool json = false;  // holds DICOM JSON
};

// One table the copy moves, and the column its rows are read in order of
// (the primary key).
struct CopyTable {
  const char* name;
  const char* key;
};

class IndexEndpoint {
 public:
  virtual ~IndexEndpoint() = default;

  // What to call this endpoint in messages: the path, or the redacted URI.
  virtual const std::string& name() const = 0;

  // Source: Ok when its schema is the version this build writes (the copy
  // maps columns of one version only). Destination: creates or migrates the
  // schema to that version.
  virtual Status PrepareSource() = 0;
  virtual Status PrepareDestination() = 0;

  virtual Result<std::vector<CopyColumn>> Columns(const CopyTable& table) = 0;
  virtual Result<int64_t> CountRows(const CopyTable& table) = 0;

  // Runs `body` inside one read snapshot / one write transaction; the write
  // transaction commits when body succeeds, else rolls back.
  virtual Status ReadSnapshot(const std::function<Status()>& body) = 0;
  virtual Status WriteTransaction(const std::function<Status()>& body) = 0;

  // Calls `batch` with the rows of `table` (values in the order of
  // `columns`), in key order, at most `batch_rows` at a time.
  virtual Status ReadRows(const CopyTable& table, const std::vector<CopyColumn>& columns,
                          int batch_rows,
                          const std::function<Status(std::vector<CopyRow>&)>& batch) = 0;
  // Inserts rows whose values come in the order of `columns` (the source's
  // columns, which all exist here by name).
  virtual Status WriteRows(const CopyTable& table, const std::vector<CopyColumn>& columns,
                           const std::vector<CopyRow>& rows) = 0;
  // Removes every row of `tables` (given parents first).
  virtual Status Empty(const std::vector<CopyTable>& tables) = 0;
  // Before a table's rows go in: the destination's own triggers, which
  // would recompute what the copied rows already hold, may be set aside.
  virtual Status StartTable(const CopyTable& table) = 0;
  // After a table's rows are in: triggers back as they were; new rows
  // written later get keys above the copied ones.
  virtual Status FinishTable(const CopyTable& table) = 0;
};

// `name` quoted as an SQL identifier (both dialects: double quotes, inner
// quotes doubled). Names here come from the schemas, never from users.
std::string QuoteName(std::string_view name);

}  // namespace pixeldex::index::copy
