#pragma once
// SqliteDialect: the SqlDialect (sql_dialect.h) of the SQLite index: '?'
// placeholders, COLLATE NOCASE, LIKE ... ESCAPE '\' and GLOB for patterns,
// the JSON1 functions json_extract and json_each over headers.json (the
// first only when instr() finds the attribute's key in the text), and
// group_concat. Stateless; one shared instance.

#include "catalog/query/sql_dialect.h"

namespace pixeldex::query {

class SqliteDialect : public SqlDialect {
 public:
  static const SqliteDialect& Instance();

  std::string Placeholder(size_t number) const override;
  std::string True() const override;
  std::string NotEmpty(std::string_view expr) const override;
  std::string CaseInsensitiveEquals(std::string_view expr,
                                    std::string_view placeholder) const override;
  std::string PatternParameter(std::string_view dicom_pattern,
                               bool case_insensitive) const override;
  std::string PatternMatch(std::string_view expr, std::string_view placeholder,
                           bool case_insensitive) const override;
  std::string CastToReal(std::string_view expr) const override;
  std::string AttributePath(Tag tag) const override;
  std::string JsonAttribute(std::string_view json_expr,
                            std::string_view placeholder) const override;
  std::string JsonAttributeIfPresent(std::string_view json_expr, Tag tag,
                                     std::string_view placeholder) const override;
  std::string ValuesPath(Tag tag) const override;
  std::string JsonValues(std::string_view json_expr, std::string_view placeholder,
                         std::string_view alias) const override;
  std::string ValueItem(std::string_view alias) const override;
  std::string ValueText(std::string_view alias) const override;
  std::string JsonText(std::string_view json_column) const override;
  std::string ByteLength(std::string_view text_expr) const override;
  std::string StringAggregate(std::string_view expr, std::string_view separator) const override;
};

}  // namespace pixeldex::query
