#include "catalog/query/sql_constraint.h"

namespace pixeldex::query {
namespace {

// PS3.4 C.2.2.2.4 wildcards as a LIKE pattern (ESCAPE '\'): '*' -> '%',
// '?' -> '_', and literal '%', '_', '\' escaped.
std::string ToLikePattern(std::string_view pattern) {
  std::string out;
  for (char ch : pattern) {
    if (ch == '*') {
      out += '%';
    } else if (ch == '?') {
      out += '_';
    } else {
      if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
      out += ch;
    }
  }
  return out;
}

// The same as a GLOB pattern (case-sensitive): '*' and '?' keep their
// meaning; a literal '[' is written as the class "[[]".
std::string ToGlobPattern(std::string_view pattern) {
  std::string out;
  for (char ch : pattern) {
    if (ch == '[') {
      out += "[[]";
    } else {
      out += ch;
    }
  }
  return out;
}

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
      w.Sql(e + " = ").Text(t.text);
      if (c.case_insensitive) w.Sql(" COLLATE NOCASE");
      return;
    case ValueTest::Kind::kPattern:  // PS3.4 C.2.2.2.4: wildcard matching
      if (c.case_insensitive) {
        w.Sql(e + " LIKE ").Text(ToLikePattern(t.text)).Sql(" ESCAPE '\\'");
      } else {
        w.Sql(e + " GLOB ").Text(ToGlobPattern(t.text));
      }
      return;
    case ValueTest::Kind::kRange: {  // PS3.4 C.2.2.2.5: range matching
      const std::string n = NormalizedExpr(c.vr, expr);
      w.Sql("(");
      if (t.lower) w.Sql(n + " >= ").Text(*t.lower);
      if (t.lower && t.upper) w.Sql(" AND ");
      if (t.upper) w.Sql(n + " <= ").Text(*t.upper);
      if (!t.lower && !t.upper) w.Sql("1");
      w.Sql(")");
      return;
    }
    case ValueTest::Kind::kNumber:
      w.Sql("CAST(" + e + " AS REAL) = ").Real(t.number);
      return;
  }
}

}  // namespace

SqlWriter& SqlWriter::Text(std::string value) {
  sql_ += '?';
  params_.push_back({SqlParam::Type::kText, std::move(value), 0, 0});
  return *this;
}

SqlWriter& SqlWriter::Real(double value) {
  sql_ += '?';
  params_.push_back({SqlParam::Type::kReal, {}, value, 0});
  return *this;
}

SqlWriter& SqlWriter::Integer(int64_t value) {
  sql_ += '?';
  params_.push_back({SqlParam::Type::kInteger, {}, 0, value});
  return *this;
}

std::string JsonValuePath(Tag tag) { return "$.\"" + tag.Hex() + "\".Value"; }
std::string JsonElementPath(Tag tag) { return "$.\"" + tag.Hex() + "\""; }

void AppendValueTests(const Constraint& c, std::string_view expr, SqlWriter& w) {
  // An empty stored value matches no test (only universal matching).
  w.Sql("(" + std::string(expr) + " <> '' AND (");
  for (size_t k = 0; k < c.any_of.size(); ++k) {
    if (k > 0) w.Sql(" OR ");
    AppendTest(c.any_of[k], c, expr, w);
  }
  w.Sql("))");
}

void AppendJsonCondition(const Constraint& c, std::string_view json_expr, SqlWriter& w) {
  const std::string a = w.Alias();
  w.Sql("EXISTS (SELECT 1 FROM json_each(" + std::string(json_expr) + ", ")
      .Text(JsonValuePath(c.tag))
      .Sql(") " + a + " WHERE ");
  if (!c.item.empty()) {
    // PS3.4 C.2.2.2.6: one item of the stored sequence matches all item keys.
    bool first = true;
    for (const Constraint& sub : c.item) {
      if (sub.universal) continue;
      if (!first) w.Sql(" AND ");
      first = false;
      AppendJsonCondition(sub, a + ".value", w);
    }
    if (first) w.Sql("1");
  } else {
    // PN values are objects; match their Alphabetic group.
    AppendValueTests(c, "COALESCE(" + a + ".atom, json_extract(" + a + ".value, '$.Alphabetic'))",
                     w);
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
