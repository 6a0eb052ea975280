#include "catalog/query/sqlite_dialect.h"

#include "catalog/query/dialect_text.h"

namespace pixeldex::query {
namespace {

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

}  // namespace

const SqliteDialect& SqliteDialect::Instance() {
  static const SqliteDialect dialect;
  return dialect;
}

std::string SqliteDialect::Placeholder(size_t) const { return "?"; }

std::string SqliteDialect::True() const { return "1"; }

std::string SqliteDialect::NotEmpty(std::string_view expr) const {
  return JoinSql({expr, " <> ''"});
}

std::string SqliteDialect::CaseInsensitiveEquals(std::string_view expr,
                                                 std::string_view placeholder) const {
  // NOCASE folds ASCII letters only, as PS3.4 C.2.2.2.1 leaves open.
  return JoinSql({expr, " = ", placeholder, " COLLATE NOCASE"});
}

std::string SqliteDialect::PatternParameter(std::string_view dicom_pattern,
                                            bool case_insensitive) const {
  return case_insensitive ? ToLikePattern(dicom_pattern) : ToGlobPattern(dicom_pattern);
}

std::string SqliteDialect::PatternMatch(std::string_view expr, std::string_view placeholder,
                                        bool case_insensitive) const {
  // LIKE ignores ASCII case; GLOB does not.
  if (case_insensitive) return JoinSql({expr, " LIKE ", placeholder, " ESCAPE '\\'"});
  return JoinSql({expr, " GLOB ", placeholder});
}

std::string SqliteDialect::JsonText(std::string_view json_column) const {
  return std::string(json_column);  // stored as text
}

std::string SqliteDialect::ByteLength(std::string_view text_expr) const {
  return JoinSql({"length(CAST(", text_expr, " AS BLOB))"});
}

std::string SqliteDialect::CastToReal(std::string_view expr) const {
  return JoinSql({"CAST(", expr, " AS REAL)"});
}

std::string SqliteDialect::AttributePath(Tag tag) const { return "$.\"" + tag.Hex() + "\""; }

std::string SqliteDialect::JsonAttribute(std::string_view json_expr,
                                         std::string_view placeholder) const {
  return JoinSql({"json_extract(", json_expr, ", ", placeholder, ")"});
}

// json_extract parses the whole header (~1 KB of text) each time; instr()
// only scans it. A header has the attribute only when its key is in the
// text: PS3.18 F.2.1.1.2 names each attribute by the 8 upper-case hex digits
// of its tag, as Tag::Hex() writes them, and the header JSON writes keys
// unescaped. Inside a sequence item the key may occur without the attribute
// being at the top level: json_extract still decides then.
std::string SqliteDialect::JsonAttributeIfPresent(std::string_view json_expr, Tag tag,
                                                  std::string_view placeholder) const {
  return JoinSql({"CASE WHEN instr(", json_expr, ", '\"", tag.Hex(), "\"') > 0 THEN ",
                  JsonAttribute(json_expr, placeholder), " END"});
}

std::string SqliteDialect::ValuesPath(Tag tag) const { return AttributePath(tag) + ".Value"; }

std::string SqliteDialect::JsonValues(std::string_view json_expr, std::string_view placeholder,
                                      std::string_view alias) const {
  return JoinSql({"json_each(", json_expr, ", ", placeholder, ") ", alias});
}

std::string SqliteDialect::ValueItem(std::string_view alias) const {
  return JoinSql({alias, ".value"});
}

std::string SqliteDialect::ValueText(std::string_view alias) const {
  // json_each's atom is NULL for objects: PN values are {"Alphabetic": ...}.
  return JoinSql({"COALESCE(", alias, ".atom, json_extract(", alias, ".value, '$.Alphabetic'))"});
}

std::string SqliteDialect::StringAggregate(std::string_view expr,
                                           std::string_view separator) const {
  return JoinSql({"group_concat(", expr, ", '", separator, "')"});
}

}  // namespace pixeldex::query
