#include "catalog/index/attribute_columns.h"

#include <type_traits>

namespace pixeldex::index {

AttributeColumns::AttributeColumns(EntityLevel level, Which which) : level_(level) {
  for (const TypedAttribute& attribute : TypedAttributes()) {
    if (!HasColumnAt(attribute, level)) continue;
    if (which == Which::kNullable && attribute.not_null) continue;
    attributes_.push_back(&attribute);
  }
}

std::string AttributeColumns::Names() const {
  std::string out;
  for (const TypedAttribute* a : attributes_) {
    if (!out.empty()) out += ", ";
    out += a->column;
  }
  return out;
}

std::string AttributeColumns::UpdateFromExcluded(const std::string& table) const {
  const std::string stored = table.empty() ? "" : table + ".";
  std::string out;
  for (const TypedAttribute* a : attributes_) {
    if (a->not_null && a->level == level_) continue;  // the conflict target
    if (!out.empty()) out += ", ";
    const std::string excluded = std::string("excluded.") + a->column;
    out += std::string(a->column) + " = " +
           (a->not_null ? excluded : "coalesce(" + excluded + ", " + stored + a->column + ")");
  }
  return out;
}

std::string AttributeColumns::StoredRowHolds(int first) const {
  std::string out;
  int index = first;
  for (const TypedAttribute* a : attributes_) {
    if (!out.empty()) out += " AND ";
    const std::string column = a->column;
    const std::string parameter = "?" + std::to_string(index++);
    if (a->not_null) {
      out += column + (a->level == level_ ? " = " : " IS ") + parameter;
    } else {
      out += "(" + parameter + " IS NULL OR " + column + " IS " + parameter + ")";
    }
  }
  return out;
}

std::string AttributeColumns::KeepStoredFromParameters(int first) const {
  std::string out;
  int index = first;
  for (const TypedAttribute* a : attributes_) {
    if (!out.empty()) out += ", ";
    out += std::string(a->column) + " = coalesce(?" + std::to_string(index++) + ", " + a->column +
           ")";
  }
  return out;
}

int AttributeColumns::Bind(Statement& stmt, int first, const InstanceRecord& record) const {
  int index = first;
  for (const TypedAttribute* a : attributes_) {
    VisitField(*a, record, [&](const auto& value) {
      if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::string>) {
        if (a->not_null) {
          stmt.Bind(index, value);
        } else {
          stmt.BindTextOrNull(index, value);
        }
      } else {
        stmt.Bind(index, value);
      }
    });
    ++index;
  }
  return index;
}

std::vector<ColumnValue> AttributeColumns::Values(const InstanceRecord& record) const {
  std::vector<ColumnValue> values;
  values.reserve(attributes_.size());
  for (const TypedAttribute* a : attributes_) {
    VisitField(*a, record, [&](const auto& value) {
      using T = std::decay_t<decltype(value)>;
      if constexpr (std::is_same_v<T, std::string>) {
        if (a->not_null || !value.empty()) {
          values.emplace_back(value);
        } else {
          values.emplace_back(std::monostate{});
        }
      } else if constexpr (std::is_same_v<T, std::optional<int64_t>>) {
        if (value) {
          values.emplace_back(*value);
        } else {
          values.emplace_back(std::monostate{});
        }
      } else {
        values.emplace_back(int64_t{value});
      }
    });
  }
  return values;
}

std::string NumberedParameters(int first, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    if (i > 0) out += ", ";
    out += "?" + std::to_string(first + i);
  }
  return out;
}

}  // namespace pixeldex::index
