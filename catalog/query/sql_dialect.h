#pragma once
// SqlDialect: every piece of SQL text the C-FIND / QIDO-RS / retrieve planner
// (sql_plan.h, sql_constraint.h) writes that differs between database
// engines: parameter placeholders, the boolean "true", case-insensitive
// equality, wildcard patterns, casts to a number, reading the stored DICOM
// JSON (PS3.18 F.2) and joining values into one string. The planner composes
// everything else (joins, comparisons, EXISTS) from standard SQL. An index
// backend hands its dialect to the planner; SqliteDialect (sqlite_dialect.h)
// is the one implementation today. Implementations are stateless and
// thread-safe; values never appear in the text they return (the caller binds
// them), only column expressions and aliases chosen by pixeldex.

#include <string>
#include <string_view>

#include "catalog/query/query_types.h"

namespace pixeldex::query {

class SqlDialect {
 public:
  virtual ~SqlDialect() = default;

  // The placeholder of the `number`th (1-based) bound parameter.
  virtual std::string Placeholder(size_t number) const = 0;
  // A condition that is always true.
  virtual std::string True() const = 0;
  // `expr` holds a value that is not empty (a typed column may be text or
  // an integer; NULL is no value either).
  virtual std::string NotEmpty(std::string_view expr) const = 0;

  // `expr` equals the text bound at `placeholder`, ignoring (ASCII) case.
  virtual std::string CaseInsensitiveEquals(std::string_view expr,
                                            std::string_view placeholder) const = 0;
  // The text bound to a wildcard match of the PS3.4 C.2.2.2.4 pattern
  // `dicom_pattern` ('*' any run, '?' one character; every other character
  // literal), and the condition that `expr` matches it.
  virtual std::string PatternParameter(std::string_view dicom_pattern,
                                       bool case_insensitive) const = 0;
  virtual std::string PatternMatch(std::string_view expr, std::string_view placeholder,
                                   bool case_insensitive) const = 0;
  // `expr` (text) as a floating-point number.
  virtual std::string CastToReal(std::string_view expr) const = 0;

  // DICOM JSON access. The text bound to select attribute `tag` of a JSON
  // object, and the JSON of that attribute ({"vr":..., "Value":[...]}) in
  // `json_expr` as JSON text, NULL when absent.
  virtual std::string AttributePath(Tag tag) const = 0;
  virtual std::string JsonAttribute(std::string_view json_expr,
                                    std::string_view placeholder) const = 0;
  // JsonAttribute of attribute `tag` (placeholder bound to AttributePath(tag)),
  // for a dialect that can tell cheaply that a JSON text lacks the attribute
  // without parsing it: most headers lack most attributes a search returns
  // from them (Timezone Offset From UTC in every QIDO-RS search). The text
  // may name the tag's key, 8 hex digits pixeldex formats, never a value.
  virtual std::string JsonAttributeIfPresent(std::string_view json_expr, Tag /*tag*/,
                                             std::string_view placeholder) const {
    return JsonAttribute(json_expr, placeholder);
  }
  // The text bound to select the Value array of attribute `tag`, and a
  // table-valued FROM item with one row per element of that array in
  // `json_expr`, named `alias`.
  virtual std::string ValuesPath(Tag tag) const = 0;
  virtual std::string JsonValues(std::string_view json_expr, std::string_view placeholder,
                                 std::string_view alias) const = 0;
  // Of one row of JsonValues: the element as JSON (a sequence item, to read
  // further), and its text when a string or number, else the Alphabetic
  // group of a PN value object (NULL when neither).
  virtual std::string ValueItem(std::string_view alias) const = 0;
  virtual std::string ValueText(std::string_view alias) const = 0;

  // The stored header column `json_column` (PS3.18 F.2) as JSON text, and
  // the length in bytes (not characters) of the text `text_expr`.
  virtual std::string JsonText(std::string_view json_column) const = 0;
  virtual std::string ByteLength(std::string_view text_expr) const = 0;

  // An aggregate joining the values of `expr` with `separator` (a literal
  // chosen by pixeldex).
  virtual std::string StringAggregate(std::string_view expr, std::string_view separator) const = 0;
};

}  // namespace pixeldex::query
