#pragma once
// IndexProbe: read-only SQL against an index from tests, the way an
// analyst's sqlite3 shell would see it (a separate connection, WAL reader),
// or psql for a postgresql:// URI (libpq; the placeholders ?1, ?2... are
// written $1, $2... for it).

#include <string>
#include <vector>

namespace pixeldex::testing {

using Row = std::vector<std::string>;  // NULL reads as "<null>"

class IndexProbe {
 public:
  explicit IndexProbe(std::string path) : path_(std::move(path)) {}
  // All rows of `sql`; throws std::runtime_error with SQLite's message.
  std::vector<Row> Rows(const std::string& sql, const std::vector<std::string>& params = {}) const;
  // The first column of the first row.
  std::string Scalar(const std::string& sql, const std::vector<std::string>& params = {}) const;
  long long Count(const std::string& sql, const std::vector<std::string>& params = {}) const;

 private:
  std::string path_;
};

}  // namespace pixeldex::testing
