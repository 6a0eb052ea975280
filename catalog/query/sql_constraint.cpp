#include "catalog/query/sql_constraint.h"

namespace pixeldex::query {
namespace {

// NormalizeStoredTime in SQL.
std::string NormalizedExpr(std::string_view vr, std::string_view expr) {
  const std::string e(expr);
  if (vr == "TM") return "(" + e + " || substr('000000', length(" + e + ") + 1))";
  if (vr == "DT") return "(" + e + " || substr('00000000000000', length(" + e + ") + 1))";
  return e;
}

void AppendTest(const ValueTest& t, const Constraint& c, std::string_view expr, SqlWriter& w) {
  const std::string e(expr);
  switch (t.kind) {
    case ValueTest::Kind::kEquals:  // PS3.4 C.2.2.2.1: single value matching
      if (c.case_insensitive) {
        w.Sql(w.dialect().CaseInsensitiveEquals(e, w.Parameter(t.text)));
      } else {
        w.Sql(e + " = ").Text(t.text);
      }
      return;
    case ValueTest::Kind::kPattern: {  // PS3.4 C.2.2.2.4: wildcard matching
      const SqlDialect& d = w.dialect();
      const std::string pattern = d.PatternParameter(t.text, c.case_insensitive);
      w.Sql(d.PatternMatch(e, w.Parameter(pattern), c.case_insensitive));
      return;
    }
    case ValueTest::Kind::kRange: {  // PS3.4 C.2.2.2.5: range matching
      const std::string n = NormalizedExpr(c.vr, expr);
      w.Sql("(");
      if (t.lower) w.Sql(n + " >= ").Text(*t.lower);
      if (t.lower && t.upper) w.Sql(" AND ");
      if (t.upper) w.Sql(n + " <= ").Text(*t.upper);
      if (!t.lower && !t.upper) w.Sql(w.dialect().True());
      w.Sql(")");
      return;
    }
    case ValueTest::Kind::kNumber:
      w.Sql(w.dialect().CastToReal(e) + " = ").Real(t.number);
      return;
  }
}

}  // namespace

std::string SqlWriter::NextPlaceholder() const {
  return dialect_.Placeholder(parameters_before_ + params_.size() + 1);
}

std::string SqlWriter::Parameter(std::string value) {
  std::string placeholder = NextPlaceholder();
  params_.push_back({SqlParam::Type::kText, std::move(value), 0, 0});
  return placeholder;
}

SqlWriter& SqlWriter::Text(std::string value) {
  sql_ += Parameter(std::move(value));
  return *this;
}

SqlWriter& SqlWriter::Real(double value) {
  sql_ += NextPlaceholder();
  params_.push_back({SqlParam::Type::kReal, {}, value, 0});
  return *this;
}

SqlWriter& SqlWriter::Integer(int64_t value) {
  sql_ += NextPlaceholder();
  params_.push_back({SqlParam::Type::kInteger, {}, 0, value});
  return *this;
}

void AppendValueTests(const Constraint& c, std::string_view expr, SqlWriter& w) {
  // An empty stored value matches no test (only universal matching).
  w.Sql("(" + w.dialect().NotEmpty(expr) + " AND (");
  for (size_t k = 0; k < c.any_of.size(); ++k) {
    if (k > 0) w.Sql(" OR ");
    AppendTest(c.any_of[k], c, expr, w);
  }
  w.Sql("))");
}

void AppendJsonCondition(const Constraint& c, std::string_view json_expr, SqlWriter& w) {
  const SqlDialect& d = w.dialect();
  const std::string a = w.Alias();
  const std::string path = w.Parameter(d.ValuesPath(c.tag));
  w.Sql("EXISTS (SELECT 1 FROM " + d.JsonValues(json_expr, path, a) + " WHERE ");
  if (!c.item.empty()) {
    // PS3.4 C.2.2.2.6: one item of the stored sequence matches all item keys.
    bool first = true;
    for (const Constraint& sub : c.item) {
      if (sub.universal) continue;
      if (!first) w.Sql(" AND ");
      first = false;
      AppendJsonCondition(sub, d.ValueItem(a), w);
    }
    if (first) w.Sql(d.True());
  } else {
    // PN values are objects; match their Alphabetic group.
    AppendValueTests(c, d.ValueText(a), w);
  }
  w.Sql(")");
}

void AppendDateTimeRange(const DateTimeRange& r, std::string_view date_expr,
                         std::string_view time_expr, SqlWriter& w) {
  const std::string d(date_expr);
  const std::string combined = "(" + d + " || " + NormalizedExpr("TM", time_expr) + ")";
  w.Sql("(" + d + " <> '' AND " + std::string(time_expr) + " <> ''");
  // The date alone first, so that a date index can serve the query.
  if (r.date_lower) w.Sql(" AND " + d + " >= ").Text(*r.date_lower);
  if (r.date_upper) w.Sql(" AND " + d + " <= ").Text(*r.date_upper);
  if (r.lower) w.Sql(" AND " + combined + " >= ").Text(*r.lower);
  if (r.upper) w.Sql(" AND " + combined + " <= ").Text(*r.upper);
  w.Sql(")");
}

}  // namespace pixeldex::query
