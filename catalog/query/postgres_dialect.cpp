#include "catalog/query/postgres_dialect.h"

#include "catalog/query/dialect_text.h"

namespace pixeldex::query {
namespace {

// PS3.4 C.2.2.2.1 leaves case-insensitive PN matching to the SCP; pixeldex
// folds ASCII letters only, as SQLite's NOCASE and LIKE do (find_options.h).
// lower() folds every letter of the database's locale, but ASCII only under
// the "C" collation (PostgreSQL documentation 9.4 and 24.2 "Collation
// Support").
std::string Lower(std::string_view expr) { return JoinSql({"lower((", expr, ") COLLATE \"C\")"}); }

}  // namespace

const PostgresDialect& PostgresDialect::Instance() {
  static const PostgresDialect dialect;
  return dialect;
}

std::string PostgresDialect::Placeholder(size_t number) const {
  return "$" + std::to_string(number);
}

std::string PostgresDialect::True() const { return "true"; }

std::string PostgresDialect::NotEmpty(std::string_view expr) const {
  // A bigint column cannot be compared with '' (SQLite compares anything).
  return JoinSql({"(", expr, ")::text <> ''"});
}

std::string PostgresDialect::CaseInsensitiveEquals(std::string_view expr,
                                                   std::string_view placeholder) const {
  return JoinSql({Lower(expr), " = ", Lower(std::string(placeholder) + "::text")});
}

std::string PostgresDialect::PatternParameter(std::string_view dicom_pattern, bool) const {
  return ToLikePattern(dicom_pattern);
}

std::string PostgresDialect::PatternMatch(std::string_view expr, std::string_view placeholder,
                                          bool case_insensitive) const {
  // PostgreSQL's LIKE is case-sensitive (9.7.1 "LIKE"); both sides lowered
  // for the case-insensitive match.
  if (case_insensitive) {
    return JoinSql(
        {Lower(expr), " LIKE ", Lower(std::string(placeholder) + "::text"), " ESCAPE '\\'"});
  }
  return JoinSql({expr, " LIKE ", placeholder, "::text ESCAPE '\\'"});
}

std::string PostgresDialect::JsonText(std::string_view json_column) const {
  // jsonb printed: the same JSON, its object keys in jsonb's order (shorter
  // keys first, then bytewise: a data set's 8-hex-digit tags stay in tag
  // order) and a space after each ':' and ','.
  return JoinSql({"(", json_column, ")::text"});
}

std::string PostgresDialect::ByteLength(std::string_view text_expr) const {
  return JoinSql({"octet_length(", text_expr, ")"});
}

std::string PostgresDialect::CastToReal(std::string_view expr) const {
  // A cast of text that is no number fails the whole statement in
  // PostgreSQL (SQLite reads it as 0): such a value is NULL, matching
  // nothing. The pattern is PostgreSQL's numeric input syntax (4.1.2.6).
  // A bigint column is read as its text too.
  const std::string text = JoinSql({"(", expr, ")::text"});
  return JoinSql({"(CASE WHEN ", text,
                  " ~ '^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$' THEN CAST(",
                  text, " AS double precision) END)"});
}

std::string PostgresDialect::AttributePath(Tag tag) const { return tag.Hex(); }

std::string PostgresDialect::JsonAttribute(std::string_view json_expr,
                                           std::string_view placeholder) const {
  // The attribute's JSON as text (jsonb prints it), NULL when absent.
  return JoinSql({"((", json_expr, ") -> ", placeholder, "::text)::text"});
}

std::string PostgresDialect::ValuesPath(Tag tag) const { return "{" + tag.Hex() + ",Value}"; }

std::string PostgresDialect::JsonValues(std::string_view json_expr, std::string_view placeholder,
                                        std::string_view alias) const {
  // jsonb_array_elements fails on anything but an array; a Value that is
  // none (never written by pixeldex, PS3.18 F.2.2 says array) has no values.
  const std::string values = JoinSql({"(", json_expr, ") #> ", placeholder, "::text[]"});
  return JoinSql({"jsonb_array_elements(CASE WHEN jsonb_typeof(", values, ") = 'array' THEN ",
                  values, " END) AS ", alias, "(value)"});
}

std::string PostgresDialect::ValueItem(std::string_view alias) const {
  return JoinSql({alias, ".value"});
}

std::string PostgresDialect::ValueText(std::string_view alias) const {
  // Strings and numbers as their text (#>> '{}' unquotes a string); a PN
  // value is an object whose Alphabetic group is matched (PS3.18 F.2.2).
  const std::string v = JoinSql({alias, ".value"});
  return JoinSql({"(CASE jsonb_typeof(", v, ") WHEN 'string' THEN ", v,
                  " #>> '{}' WHEN 'number' THEN ", v, " #>> '{}' WHEN 'object' THEN ", v,
                  " ->> 'Alphabetic' END)"});
}

std::string PostgresDialect::StringAggregate(std::string_view expr,
                                             std::string_view separator) const {
  return JoinSql({"string_agg(", expr, ", '", separator, "')"});
}

}  // namespace pixeldex::query
