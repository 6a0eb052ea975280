#pragma once
// PostgresDialect: the SqlDialect (sql_dialect.h) of the PostgreSQL index
// (catalog/index/postgres, pg_schema_sql.cpp): $n placeholders (libpq binds
// them by number), lower() under the "C" collation for case-insensitive
// matching (ASCII letters only, as SQLite's NOCASE; the schema's
// lower(patient_name) indexes are of the database's collation and do not
// serve it yet), LIKE ... ESCAPE '\' for patterns of either case, the jsonb
// operators over headers.json (PostgreSQL documentation 9.16 "JSON Functions
// and Operators"), and string_agg. Paths are bound as text: a tag's key for ->, a text[] path for
// #>. Stateless; one shared instance.

#include "catalog/query/sql_dialect.h"

namespace pixeldex::query {

class PostgresDialect : public SqlDialect {
 public:
  static const PostgresDialect& Instance();

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
