#pragma once
// The SQL generator of the constraint model: appends WHERE-clause conditions
// for a Constraint to a SqlWriter. Values always travel as bound parameters;
// only fixed SQL text and column names chosen by pixeldex are spliced.
// Semantics equal constraint_matcher.h (the reference), including: an empty
// stored value ('' or NULL) matches nothing but universal matching. What
// differs between database engines comes from the writer's SqlDialect.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/query/constraint.h"
#include "catalog/query/sql_dialect.h"

namespace pixeldex::query {

struct SqlParam {
  enum class Type { kText, kReal, kInteger };
  Type type = Type::kText;
  std::string text;
  double real = 0;
  int64_t integer = 0;
};

// Accumulates SQL text and the parameters of its placeholders, in order.
// `parameters_before`: how many parameters precede this text in the
// statement it becomes part of (placeholders may be numbered).
class SqlWriter {
 public:
  explicit SqlWriter(const SqlDialect& dialect, size_t parameters_before = 0)
      : dialect_(dialect), parameters_before_(parameters_before) {}

  SqlWriter& Sql(std::string_view text) {
    sql_ += text;
    return *this;
  }
  SqlWriter& Text(std::string value);  // appends a placeholder bound to text
  SqlWriter& Real(double value);       // appends a placeholder bound to a real
  SqlWriter& Integer(int64_t value);   // appends a placeholder bound to an integer
  // Records a text parameter and returns its placeholder, for the caller to
  // append (in parameter order) inside a dialect's expression.
  std::string Parameter(std::string value);
  const SqlDialect& dialect() const { return dialect_; }
  // A fresh alias for a nested table ("j1", "j2", ...).
  std::string Alias() { return "j" + std::to_string(++aliases_); }
  const std::string& sql() const { return sql_; }
  const std::vector<SqlParam>& params() const { return params_; }

 private:
  std::string NextPlaceholder() const;

  const SqlDialect& dialect_;
  size_t parameters_before_;
  std::string sql_;
  std::vector<SqlParam> params_;
  int aliases_ = 0;
};

// Condition that the single stored value `expr` passes one of the tests of a
// non-universal, non-SQ constraint.
void AppendValueTests(const Constraint& c, std::string_view expr, SqlWriter& w);

// Condition on attribute c.tag of the DICOM JSON object `json_expr` (PS3.18
// F.2): one of its values passes (PN: the Alphabetic group), or for SQ one of
// its items satisfies every key of the request item. c must not be universal.
void AppendJsonCondition(const Constraint& c, std::string_view json_expr, SqlWriter& w);

// Condition that the stored date and time columns fall in a combined range
// (PS3.4 C.2.2.2.5.1).
void AppendDateTimeRange(const DateTimeRange& r, std::string_view date_expr,
                         std::string_view time_expr, SqlWriter& w);

}  // namespace pixeldex::query
