#include "catalog/index/writer_sql.h"

#include <algorithm>
#include <string_view>

namespace pixeldex::index {
namespace {

constexpr int kInstanceFileColumnCount =
    1 + static_cast<int>(std::count(kInstanceFileColumns.begin(), kInstanceFileColumns.end(), ','));

// The upsert of one row of `level`, found again by `conflict` (its unique
// key): parameter ?1 is the parent row's key `parent` (none for patients),
// then the typed columns, then updated_at. A stored value the new instance
// lacks is kept; the parent and the study's copy of its patient's identity
// are the new instance's (AttributeColumns::UpdateFromExcluded).
std::string UpsertSql(SqlFlavor flavor, EntityLevel level, const std::string& parent,
                      const std::string& conflict, const std::string& key) {
  const AttributeColumns all(level, AttributeColumns::Which::kAll);
  const std::string table = EntityTable(level);
  const std::string leading = parent.empty() ? "" : parent + ", ";
  const int parameters = (parent.empty() ? 0 : 1) + all.size() + 1;
  std::string sql = "INSERT INTO " + table + " (" + leading + all.Names() +
                    ", updated_at) VALUES (" + NumberedParameters(1, parameters) +
                    ") ON CONFLICT " + conflict + " DO UPDATE SET ";
  if (!parent.empty()) sql += parent + " = excluded." + parent + ", ";
  return sql + all.UpdateFromExcluded(flavor == SqlFlavor::kPostgres ? table : "") +
         ", updated_at = excluded.updated_at RETURNING " + key;
}

// The upsert's shortcut for a row that would not change (SQLite only): the
// same parameters as UpsertSql's; only updated_at is set, and only when the
// row, found by its unique key (`key_condition` narrows it as the upsert's
// conflict target does), already holds every value the upsert would write,
// its parent's key included. Its RETURNING row says so; none: the upsert
// runs. Setting no indexed column, it rewrites none of the level's indexes,
// where the upsert's DO UPDATE rewrites every index on a column it sets,
// changed or not (bench/README.md "Parents that do not change").
std::string TouchSql(EntityLevel level, const std::string& parent,
                     const std::string& key_condition, const std::string& key) {
  const AttributeColumns all(level, AttributeColumns::Which::kAll);
  const int first = parent.empty() ? 1 : 2;
  std::string sql = std::string("UPDATE ") + EntityTable(level) + " SET updated_at = ?" +
                    std::to_string(first + all.size()) + " WHERE ";
  if (!parent.empty()) sql += parent + " = ?1 AND ";
  if (!key_condition.empty()) sql += key_condition + " AND ";
  return sql + all.StoredRowHolds(first) + " RETURNING " + key;
}

WriterSql Build(SqlFlavor flavor) {
  const AttributeColumns instance_columns(EntityLevel::kInstance, AttributeColumns::Which::kAll);
  const AttributeColumns patient_values(EntityLevel::kPatient, AttributeColumns::Which::kNullable);
  WriterSql s{
      .find_stored =
          "SELECT i.instance_pk, i.series_pk, se.study_pk, st.patient_pk, i.path, p.patient_id, "
          "p.issuer_of_patient_id, st.study_instance_uid, se.series_instance_uid "
          "FROM instances i JOIN series se ON se.series_pk = i.series_pk "
          "JOIN studies st ON st.study_pk = se.study_pk "
          "JOIN patients p ON p.patient_pk = st.patient_pk WHERE i.sop_instance_uid = ?1",
      .find_copy = "SELECT path, received_at, source, calling_aet, called_aet, peer_address "
                   "FROM instances WHERE sop_instance_uid = ?1",
      .upsert_patient =
          UpsertSql(flavor, EntityLevel::kPatient, "",
                    "(patient_id, issuer_of_patient_id) WHERE patient_id <> ''", "patient_pk"),
      .find_anonymous_patient =
          "SELECT p.patient_pk FROM studies st JOIN patients p ON p.patient_pk = st.patient_pk "
          "WHERE st.study_instance_uid = ?1 AND p.patient_id = '' "
          "AND p.issuer_of_patient_id = ?2",
      .update_patient = "UPDATE patients SET " + patient_values.KeepStoredFromParameters(2) +
                        ", updated_at = ?" + std::to_string(2 + patient_values.size()) +
                        " WHERE patient_pk = ?1",
      .upsert_study =
          UpsertSql(flavor, EntityLevel::kStudy, "patient_pk", "(study_instance_uid)", "study_pk"),
      .upsert_series = UpsertSql(flavor, EntityLevel::kSeries, "study_pk", "(series_instance_uid)",
                                 "series_pk"),
      .insert_instance =
          "INSERT INTO instances (series_pk, " + instance_columns.Names() + ", " +
          std::string(kInstanceFileColumns) + ") VALUES (" +
          NumberedParameters(1, 1 + instance_columns.size() + kInstanceFileColumnCount) +
          ") RETURNING instance_pk",
      .insert_header = "INSERT INTO headers (instance_pk, json) VALUES (?1, ?2)",
      .insert_thumbnail = "INSERT INTO thumbnails (instance_pk, status, width, height, png) "
                          "VALUES (?1, ?2, ?3, ?4, ?5)",
      .delete_instance = "DELETE FROM instances WHERE instance_pk = ?1",
      .delete_empty_series = "DELETE FROM series WHERE series_pk = ?1 AND NOT EXISTS "
                             "(SELECT 1 FROM instances WHERE series_pk = ?1)",
      .delete_empty_study = "DELETE FROM studies WHERE study_pk = ?1 AND NOT EXISTS "
                            "(SELECT 1 FROM series WHERE study_pk = ?1)",
      .delete_empty_patient = "DELETE FROM patients WHERE patient_pk = ?1 AND NOT EXISTS "
                              "(SELECT 1 FROM studies WHERE patient_pk = ?1)",
      .insert_association =
          "INSERT INTO associations (calling_aet, called_aet, peer_address, started_at, ended_at, "
          "accepted_contexts, rejected_contexts, instances, bytes, outcome) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
      .insert_event = "INSERT INTO events (at, kind, sop_instance_uid, calling_aet, status_code, "
                      "detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      .prune_associations = "DELETE FROM associations WHERE started_at < ?1",
      .prune_events = "DELETE FROM events WHERE at < ?1",
      .protect_study = "INSERT INTO protected_studies (study_instance_uid, protected_at, reason) "
                       "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
      .unprotect_study = "DELETE FROM protected_studies WHERE study_instance_uid = ?1",
      .replace_thumbnail =
          "INSERT INTO thumbnails (instance_pk, status, width, height, png) "
          "SELECT instance_pk, ?2, ?3, ?4, ?5 FROM instances WHERE instance_pk = ?1 "
          "AND sha256 = ?6 ON CONFLICT (instance_pk) DO UPDATE SET status = excluded.status, "
          "width = excluded.width, height = excluded.height, png = excluded.png",
  };
  if (flavor == SqlFlavor::kSqlite) {
    s.touch_patient = TouchSql(EntityLevel::kPatient, "", "patient_id <> ''", "patient_pk");
    s.touch_study = TouchSql(EntityLevel::kStudy, "patient_pk", "", "study_pk");
    s.touch_series = TouchSql(EntityLevel::kSeries, "study_pk", "", "series_pk");
  }
  if (flavor == SqlFlavor::kPostgres) {
    for (std::string* text :
         {&s.find_stored, &s.find_copy, &s.upsert_patient, &s.find_anonymous_patient,
          &s.update_patient, &s.upsert_study, &s.upsert_series, &s.insert_instance,
          &s.insert_header, &s.insert_thumbnail, &s.delete_instance, &s.delete_empty_series,
          &s.delete_empty_study, &s.delete_empty_patient, &s.insert_association, &s.insert_event,
          &s.prune_associations, &s.prune_events, &s.protect_study, &s.unprotect_study,
          &s.replace_thumbnail}) {
      *text = SpelledFor(flavor, std::move(*text));
    }
  }
  return s;
}

ColumnValue TextOrNull(const std::string& text) {
  if (text.empty()) return std::monostate{};
  return text;
}

}  // namespace

const WriterSql& WriterSqlFor(SqlFlavor flavor) {
  static const WriterSql sqlite = Build(SqlFlavor::kSqlite);
  static const WriterSql postgres = Build(SqlFlavor::kPostgres);
  return flavor == SqlFlavor::kPostgres ? postgres : sqlite;
}

std::vector<ColumnValue> InstanceFileValues(const InstanceRecord& r) {
  // In the order of kInstanceFileColumns.
  return {r.instance.transfer_syntax_uid,
          TextOrNull(r.instance.specific_character_set),
          r.file.relative_path,
          r.file.size_bytes,
          r.file.sha256,
          r.file.received_at,
          TextOrNull(r.file.file_mtime),
          std::string(ProvenanceSourceName(r.provenance.source)),
          TextOrNull(r.provenance.calling_aet),
          TextOrNull(r.provenance.called_aet),
          TextOrNull(r.provenance.peer_address)};
}

}  // namespace pixeldex::index
