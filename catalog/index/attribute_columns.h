#pragma once
// AttributeColumns: the typed columns of one table, as the attribute table
// lists them (catalog/common/attribute_table.h), turned into the pieces of
// the writer's SQL (column names, numbered parameters, the keep-the-stored-
// value update) and bound from an InstanceRecord. RecordStatements builds its
// statements from these, so a new entry in the table is written without
// touching the SQL. Immutable after construction; safe from any thread (the
// Statement it binds is not). The columns of `studies` include the copies
// of the patient attributes each study keeps (TypedAttribute::copied_to_study).

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "catalog/common/attribute_table.h"
#include "catalog/common/instance_record.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {

// One column's value as a bound parameter, for a backend that does not bind
// through Statement: SQL NULL, text or an integer. (A cell of a query's
// result is another type, sql_query.h's SqlValue.)
using ColumnValue = std::variant<std::monostate, std::string, int64_t>;

class AttributeColumns {
 public:
  enum class Which {
    kAll,
    kNullable,  // only the columns an update keeps when the new value is absent
  };
  AttributeColumns(EntityLevel level, Which which);

  int size() const { return static_cast<int>(attributes_.size()); }
  // "patient_name, patient_id, ...", in table order.
  std::string Names() const;
  // The SET list of an upsert's DO UPDATE: "column = coalesce(excluded.column,
  // column)" for a nullable column (an instance without a value keeps the
  // stored one), "column = excluded.column" for a NOT NULL copy of another
  // level's attribute (the study's copy of its patient's identity). The
  // level's own NOT NULL columns are the upsert's conflict target and are
  // left out: setting them would rewrite their unique indexes' entries with
  // every instance. With a `table`, the stored column is named "table.column".
  std::string UpdateFromExcluded(const std::string& table = "") const;
  // The condition under which the stored row, found by its level's NOT NULL
  // columns (its unique key: "column = ?i"), already holds every value
  // UpdateFromExcluded would write from parameters `first`, first + 1, ...
  // (bound as Bind binds them): "(?i IS NULL OR column IS ?i)" for a nullable
  // column, "column IS ?i" for a NOT NULL copy of another level's attribute.
  // The comparison applies the column's affinity to the parameter as storing
  // it would.
  std::string StoredRowHolds(int first) const;
  // "column = coalesce(?first, column), ...": the same for an UPDATE whose
  // parameters start at `first`.
  std::string KeepStoredFromParameters(int first) const;
  // Binds the record's values to parameters first, first + 1, ...: empty text
  // as NULL unless the column is NOT NULL, an absent integer as NULL.
  // Returns the index of the next parameter.
  int Bind(Statement& stmt, int first, const InstanceRecord& record) const;
  // The same values, in the same order, as ColumnValues.
  std::vector<ColumnValue> Values(const InstanceRecord& record) const;

 private:
  EntityLevel level_;
  std::vector<const TypedAttribute*> attributes_;
};

// "?first, ?first+1, ..., ?first+count-1".
std::string NumberedParameters(int first, int count);

}  // namespace pixeldex::index
