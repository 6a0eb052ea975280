#include "catalog/query/sql_plan.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>

#include "catalog/query/attribute_catalog.h"
#include "catalog/query/constraint.h"

namespace pixeldex::query {
namespace {

// The table of a query level, then its ancestors' joined to it up to the
// level `top`: only the tables a statement reads are joined. Every row has
// its parent (a NOT NULL reference), so a join to a parent neither drops nor
// repeats a match, and leaving one out changes no answer; it saves a key
// lookup per match (the patient's row of each study in a month of studies).
std::string TablesUpTo(QueryLevel level, QueryLevel top) {
  static constexpr const char* kTable[] = {"patients p", "studies st", "series se", "instances i"};
  // The join of the parent of each level (none above the patient).
  static constexpr const char* kParentJoin[] = {
      "", " JOIN patients p ON p.patient_pk = st.patient_pk",
      " JOIN studies st ON st.study_pk = se.study_pk", " JOIN series se ON se.series_pk = i.series_pk"};
  std::string sql = kTable[static_cast<int>(level)];
  for (int l = static_cast<int>(level); l > static_cast<int>(top); --l) sql += kParentJoin[l];
  return sql;
}

// Header attributes of an entity above the image level are read from its
// first instance (lowest instance_pk): every instance of a series carries the
// same patient, study and series attributes. The minimum is taken series by
// series, each an index seek to its first entry in instances_series
// (series_pk, instance_pk), rather than over a join, which reads every
// instance of the study (or patient) once per match.
const char* RepresentativeInstance(QueryLevel level) {
  switch (level) {
    case QueryLevel::kPatient:
      return "(SELECT MIN((SELECT MIN((SELECT MIN(r3.instance_pk) FROM instances r3"
             " WHERE r3.series_pk = r2.series_pk)) FROM series r2 WHERE r2.study_pk ="
             " r1.study_pk)) FROM studies r1 WHERE r1.patient_pk = p.patient_pk)";
    case QueryLevel::kStudy:
      return "(SELECT MIN((SELECT MIN(r2.instance_pk) FROM instances r2"
             " WHERE r2.series_pk = r1.series_pk)) FROM series r1 WHERE r1.study_pk = st.study_pk)";
    case QueryLevel::kSeries:
      return "(SELECT MIN(r1.instance_pk) FROM instances r1 WHERE r1.series_pk = se.series_pk)";
    case QueryLevel::kImage:
      return "i.instance_pk";
  }
  return "";
}

// The key of each level's entities, in the order they entered the index.
const char* LevelKey(QueryLevel level) {
  switch (level) {
    case QueryLevel::kPatient:
      return "p.patient_pk";
    case QueryLevel::kStudy:
      return "st.study_pk";
    case QueryLevel::kSeries:
      return "se.series_pk";
    case QueryLevel::kImage:
      return "i.instance_pk";
  }
  return "";
}

std::string ComputedExpr(Computed computed, const SqlDialect& dialect) {
  switch (computed) {
    case Computed::kPatientStudies:
      return "(SELECT COUNT(*) FROM studies c1 WHERE c1.patient_pk = p.patient_pk)";
    // The studies' own counts, kept by the schema's triggers (schema.cpp,
    // version 3): read (and summed over a patient's studies), not counted.
    case Computed::kPatientSeries:
      return "(SELECT coalesce(sum(c1.number_of_series), 0) FROM studies c1"
             " WHERE c1.patient_pk = p.patient_pk)";
    case Computed::kPatientInstances:
      return "(SELECT coalesce(sum(c1.number_of_instances), 0) FROM studies c1"
             " WHERE c1.patient_pk = p.patient_pk)";
    case Computed::kStudySeries:
      return "st.number_of_series";
    case Computed::kStudyInstances:
      return "st.number_of_instances";
    case Computed::kSeriesInstances:
      return "(SELECT COUNT(*) FROM instances c1 WHERE c1.series_pk = se.series_pk)";
    case Computed::kModalitiesInStudy:
      return "st.modalities_in_study";
    case Computed::kSopClassesInStudy:
      return "(SELECT " + dialect.StringAggregate("sop_class_uid", "\\") +
             " FROM (SELECT DISTINCT c2.sop_class_uid"
             " FROM series c1 JOIN instances c2 ON c2.series_pk = c1.series_pk"
             " WHERE c1.study_pk = st.study_pk) c3)";
    case Computed::kNone:
      break;
  }
  return "NULL";
}

// PS3.4 C.6.2.1.2 Modalities in Study / SOP Classes in Study: the study
// matches when one of its series (instances) has a matching value.
void AppendComputedListCondition(const Constraint& c, Computed computed, SqlWriter& w) {
  if (computed == Computed::kModalitiesInStudy) {
    w.Sql("EXISTS (SELECT 1 FROM series m1 WHERE m1.study_pk = st.study_pk AND ");
    AppendValueTests(c, "m1.modality", w);
  } else {
    w.Sql("EXISTS (SELECT 1 FROM series m1 JOIN instances m2 ON m2.series_pk = m1.series_pk"
          " WHERE m1.study_pk = st.study_pk AND ");
    AppendValueTests(c, "m2.sop_class_uid", w);
  }
  w.Sql(")");
}

// The keys of an identifier, with those inside sequence items.
size_t CountKeys(const std::vector<QueryKey>& keys) {
  size_t count = keys.size();
  for (const QueryKey& key : keys) {
    for (const auto& item : key.items) count += CountKeys(item);
  }
  return count;
}

bool IsListComputed(Computed c) {
  return c == Computed::kModalitiesInStudy || c == Computed::kSopClassesInStudy;
}

}  // namespace

Result<SqlPlan> BuildSqlPlan(const FindRequest& request, const FindOptions& options,
                             const SqlDialect& dialect, const std::optional<FindPage>& page) {
  if (options.max_keys > 0 && CountKeys(request.keys) > options.max_keys) {
    return Status::ResourceExhausted("more than " + std::to_string(options.max_keys) +
                                     " keys in the identifier");
  }
  SqlPlan plan;
  const QueryLevel level = request.level;
  // Return keys: the unique keys of the query level and the levels above it
  // (PS3.4 C.4.1.2.2), then every requested key, each once.
  // Each return column with its SQL expression (empty for header columns,
  // whose expression is the dialect's JSON access).
  std::map<Tag, std::pair<ReturnColumn, std::string>> returns;
  bool header_returned = false;  // a return column reads headers.json
  bool header_matched = false;   // a condition does
  // The highest level whose table a return column, and a condition, reads.
  QueryLevel returned_top = level;
  QueryLevel matched_top = level;
  auto reads = [level](QueryLevel& top, const AttributeInfo& info) {
    top = std::min(top, TableLevelAt(info, level));
  };
  auto add_catalog_return = [&](const AttributeInfo& info) {
    reads(returned_top, info);
    const bool list = IsListComputed(info.computed);
    returns[info.tag] = {
        {info.tag, info.vr, list ? ReturnColumn::Kind::kList : ReturnColumn::Kind::kText, {}},
        info.column ? ColumnAt(info, level) : ComputedExpr(info.computed, dialect)};
  };
  for (int l = static_cast<int>(TopLevel(request.model)); l <= static_cast<int>(level); ++l) {
    add_catalog_return(*FindAttribute(UniqueKeyOf(static_cast<QueryLevel>(l))));
  }

  // Parse every key; pair DA/TM keys for combined date-time matching.
  std::map<Tag, Constraint> constraints;
  for (const QueryKey& key : request.keys) {
    auto parsed = ParseConstraint(key, options);
    if (!parsed.ok()) return parsed.status();
    constraints[key.tag] = std::move(*parsed);
    if (returns.count(key.tag)) continue;
    if (const AttributeInfo* info = FindAttribute(key.tag)) {
      add_catalog_return(*info);
    } else {
      ReturnColumn column{key.tag, key.vr, ReturnColumn::Kind::kHeader, {}};
      if (!key.items.empty()) {
        for (const QueryKey& sub : key.items.front()) column.item_tags.push_back(sub.tag);
      }
      returns[key.tag] = {std::move(column), {}};
      header_returned = true;
    }
  }

  // SELECT list; the JSON paths of header columns are parameters too, and
  // they precede the WHERE clause's parameters.
  SqlWriter select(dialect);
  select.Sql("SELECT ");
  bool first_column = true;
  for (const auto& [tag, planned] : returns) {
    const auto& [column, expr] = planned;
    if (!first_column) select.Sql(", ");
    first_column = false;
    if (column.kind == ReturnColumn::Kind::kHeader) {
      select.Sql(
          dialect.JsonAttributeIfPresent("h.json", tag, select.Parameter(dialect.AttributePath(tag))));
    } else {
      select.Sql(expr);
    }
    plan.columns.push_back(column);
  }

  SqlWriter where(dialect, select.params().size());
  std::vector<Tag> done;
  bool first = true;
  auto next_condition = [&] {
    where.Sql(first ? " WHERE " : " AND ");
    first = false;
  };
  if (request.combined_datetime) {
    for (const auto& [tag, c] : constraints) {
      const auto time_tag = PairedTimeTag(tag);
      const AttributeInfo* date_info = FindAttribute(tag);
      if (!time_tag || !date_info || !date_info->column) continue;
      const auto paired = constraints.find(*time_tag);
      if (paired == constraints.end()) continue;
      const AttributeInfo* time_info = FindAttribute(*time_tag);
      if (!time_info || !time_info->column) continue;
      const auto range = CombineDateTime(c, paired->second);
      if (!range) continue;
      next_condition();
      reads(matched_top, *date_info);
      reads(matched_top, *time_info);
      AppendDateTimeRange(*range, ColumnAt(*date_info, level), ColumnAt(*time_info, level), where);
      done.push_back(tag);
      done.push_back(*time_tag);
    }
  }
  for (const auto& [tag, c] : constraints) {
    if (c.universal || std::find(done.begin(), done.end(), tag) != done.end()) continue;
    const AttributeInfo* info = FindAttribute(tag);
    if (info && !info->matchable) {
      plan.unsupported_matching = true;  // a return key only: value ignored
      continue;
    }
    next_condition();
    if (info) reads(matched_top, *info);
    if (info && info->column) {
      AppendValueTests(c, ColumnAt(*info, level), where);
    } else if (info) {
      AppendComputedListCondition(c, info->computed, where);
    } else {
      header_matched = true;
      AppendJsonCondition(c, "h.json", where);
    }
  }

  // The tables up to `top`, with the representative instance's header.
  auto tables = [level](QueryLevel top, bool header) {
    std::string sql = TablesUpTo(level, top);
    if (header) sql += std::string(" LEFT JOIN headers h ON h.instance_pk = ") + RepresentativeInstance(level);
    return sql;
  };
  // Parameters in the order of their placeholders: the header columns' JSON
  // paths, the WHERE clause's values, then the window's.
  SqlWriter window(dialect, select.params().size() + where.params().size());
  if (!page) {
    plan.sql = select.sql() + " FROM " +
               tables(std::min(returned_top, matched_top), header_returned || header_matched) +
               where.sql();
  } else {
    // The window is taken over the keys alone, in a derived table that the
    // level's table and the return columns' tables join by key: the
    // conditions read only their own tables, a skipped match costs an index
    // step, and only the window's entities have their return columns (and
    // headers) read. A derived table rather than "key IN (window)": for
    // that, PostgreSQL plans a merge join that walks the whole level's
    // table in key order (bench/README.md "On PostgreSQL"). CROSS JOIN:
    // SQLite then keeps the window the outer loop (its join-order control).
    const std::string key = LevelKey(level);
    // LIMIT and OFFSET are signed 64-bit; no limit is the largest, as
    // PostgreSQL refuses SQLite's negative LIMIT ("LIMIT must not be
    // negative").
    constexpr auto kMost = static_cast<size_t>(std::numeric_limits<int64_t>::max());
    window.Sql(" ORDER BY " + key + " LIMIT ");
    window.Integer(static_cast<int64_t>(std::min(page->limit.value_or(kMost), kMost)));
    window.Sql(" OFFSET ").Integer(static_cast<int64_t>(std::min(page->offset, kMost)));
    window.Sql(") page CROSS JOIN " + tables(returned_top, header_returned) + " WHERE " + key +
               " = page.page_key ORDER BY page.page_key");
    plan.sql = select.sql() + " FROM (SELECT " + key + " AS page_key FROM " +
               tables(matched_top, header_matched) + where.sql() + window.sql();
    plan.windowed = true;
  }
  plan.params = select.params();
  plan.params.insert(plan.params.end(), where.params().begin(), where.params().end());
  plan.params.insert(plan.params.end(), window.params().begin(), window.params().end());
  return plan;
}

Result<SqlPlan> BuildInstanceListPlan(const FindRequest& request, const SqlDialect& dialect) {
  SqlWriter w(dialect);
  w.Sql("SELECT i.sop_class_uid, i.sop_instance_uid, i.transfer_syntax_uid, i.path");
  w.Sql(" FROM " + TablesUpTo(QueryLevel::kImage, QueryLevel::kPatient));
  bool first = true;
  for (const QueryKey& key : request.keys) {
    const AttributeInfo* info = FindAttribute(key.tag);
    if (info == nullptr || info->column == nullptr) {
      return Status::InvalidArgument(key.tag.ToString() + " cannot select instances to retrieve");
    }
    auto c = ParseConstraint(key, FindOptions{});
    if (!c.ok()) return c.status();
    if (c->universal) continue;
    w.Sql(first ? " WHERE " : " AND ");
    first = false;
    AppendValueTests(*c, ColumnAt(*info, QueryLevel::kImage), w);
  }
  // NULLS FIRST is SQLite's own order of NULLs; PostgreSQL's would be last.
  w.Sql(" ORDER BY i.series_pk, i.instance_number NULLS FIRST, i.instance_pk");
  SqlPlan plan;
  plan.sql = w.sql();
  plan.params = w.params();
  return plan;
}

}  // namespace pixeldex::query
