#pragma once
// The data-driven SQL case files (tests/sql/cases/*.test), in the spirit of
// SQLite's and DuckDB's sqllogictest files. Each guards a documented table or
// view of the index against the fixture of sql_fixture.h:
//
//   # a comment (only between cases)
//   query  studies with their modalities
//   SELECT patient_id, modalities FROM study_summary
//   ORDER BY 1
//   ----
//   P1|CT\PR
//   P2|CT\MR
//                                (a blank line ends the case)
//   error  the view is read-only
//   DELETE FROM study_summary
//   ----
//   refused: pixeldex query is read-only     (a substring of the message)
//
// Rows are compared in order, so queries say ORDER BY. Values are rendered as
// in sqlite3's list mode, joined by '|': NULL as NULL, reals always with a
// '.' or exponent (5.0, 0.625) so that integers and reals differ, BLOBs as
// <blob N bytes>.

#include <string>
#include <vector>

namespace pixeldex::sqltest {

struct SqlCase {
  std::string name;
  int line = 0;  // of the "query"/"error" line
  std::string sql;
  bool expect_error = false;
  std::vector<std::string> expected;  // rows, or one error substring
};

// Parses a case file; throws std::runtime_error naming the line on bad syntax.
std::vector<SqlCase> ParseSqlCases(const std::string& text);

}  // namespace pixeldex::sqltest
