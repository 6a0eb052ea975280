#include "tests/sql/sql_case_file.h"

#include <sstream>
#include <stdexcept>

namespace pixeldex::sqltest {
namespace {

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

}  // namespace

std::vector<SqlCase> ParseSqlCases(const std::string& text) {
  enum class State { kBetween, kSql, kExpected };
  std::vector<SqlCase> cases;
  State state = State::kBetween;
  std::istringstream in(text);
  std::string raw;
  int line_number = 0;
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("line " + std::to_string(line_number) + ": " + why);
  };
  while (std::getline(in, raw)) {
    ++line_number;
    const std::string line = Trim(raw);
    switch (state) {
      case State::kBetween: {
        if (line.empty() || line[0] == '#') break;
        const size_t space = line.find_first_of(" \t");
        const std::string keyword = line.substr(0, space);
        if (keyword != "query" && keyword != "error") fail("expected 'query' or 'error'");
        SqlCase c;
        c.name = space == std::string::npos ? "" : Trim(line.substr(space));
        if (c.name.empty()) fail("a case needs a name");
        c.line = line_number;
        c.expect_error = keyword == "error";
        cases.push_back(std::move(c));
        state = State::kSql;
        break;
      }
      case State::kSql:
        if (line == "----") {
          if (Trim(cases.back().sql).empty()) fail("a case needs SQL before ----");
          state = State::kExpected;
        } else if (line.empty()) {
          fail("missing ---- after the SQL");
        } else {
          cases.back().sql += raw + "\n";
        }
        break;
      case State::kExpected:
        if (line.empty()) {
          state = State::kBetween;
        } else {
          cases.back().expected.push_back(line);
        }
        break;
    }
  }
  if (state == State::kSql) fail("missing ---- after the SQL");
  for (const SqlCase& c : cases) {
    if (c.expect_error && c.expected.size() != 1) {
      line_number = c.line;
      fail("an error case expects exactly one message line");
    }
  }
  return cases;
}

}  // namespace pixeldex::sqltest
