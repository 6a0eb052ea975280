#include "catalog/index/record_statements.h"

#include <algorithm>
#include <string_view>

namespace pixeldex::index {
namespace {

// Runs a statement whose single result row holds an integer key (RETURNING).
Result<int64_t> StepForKey(Statement& stmt, const char* what) {
  const bool has_row = stmt.Step();
  const int64_t key = has_row ? stmt.Int(0) : 0;
  Status status = stmt.status();
  stmt.Reset();
  if (!status.ok()) return status;
  if (!has_row) return Status::Internal(std::string(what) + " returned no key");
  return key;
}

// The instance columns that are no typed attribute (attribute_table.h), in
// the order InsertInstance binds them after the typed ones.
constexpr std::string_view kInstanceFileColumns =
    "transfer_syntax_uid, specific_character_set, path, size_bytes, sha256, received_at, "
    "file_mtime, source, calling_aet, called_aet, peer_address";
constexpr int kInstanceFileColumnCount =
    1 + static_cast<int>(std::count(kInstanceFileColumns.begin(), kInstanceFileColumns.end(), ','));

// The upsert of one row of `level`, found again by `conflict` (its unique
// key): parameter ?1 is the parent row's key `parent` (none for patients),
// then the typed columns, then updated_at. A stored value the new instance
// lacks is kept (AttributeColumns::KeepStoredFromExcluded).
std::string UpsertSql(EntityLevel level, const std::string& parent, const std::string& conflict,
                      const std::string& key) {
  const AttributeColumns all(level, AttributeColumns::Which::kAll);
  const AttributeColumns nullable(level, AttributeColumns::Which::kNullable);
  const std::string leading = parent.empty() ? "" : parent + ", ";
  const int parameters = (parent.empty() ? 0 : 1) + all.size() + 1;
  std::string sql = std::string("INSERT INTO ") + EntityTable(level) + " (" + leading +
                    all.Names() + ", updated_at) VALUES (" + NumberedParameters(1, parameters) +
                    ") ON CONFLICT " + conflict + " DO UPDATE SET ";
  if (!parent.empty()) sql += parent + " = excluded." + parent + ", ";
  return sql + nullable.KeepStoredFromExcluded() +
         ", updated_at = excluded.updated_at RETURNING " + key;
}

}  // namespace

Result<RecordStatements> RecordStatements::Prepare(Db& db) {
  RecordStatements s;
  struct Entry {
    std::optional<Statement>* slot;
    std::string sql;
  };
  const Entry entries[] = {
      {&s.find_,
       "SELECT i.instance_pk, i.series_pk, se.study_pk, st.patient_pk, i.path FROM instances i "
       "JOIN series se ON se.series_pk = i.series_pk JOIN studies st ON st.study_pk = se.study_pk "
       "WHERE i.sop_instance_uid = ?1"},
      {&s.upsert_patient_,
       UpsertSql(EntityLevel::kPatient, "",
                 "(patient_id, issuer_of_patient_id) WHERE patient_id <> ''", "patient_pk")},
      // The patient of a study without a Patient ID (patient_identity.h).
      {&s.find_anonymous_patient_,
       "SELECT p.patient_pk FROM studies st JOIN patients p ON p.patient_pk = st.patient_pk "
       "WHERE st.study_instance_uid = ?1 AND p.patient_id = '' AND p.issuer_of_patient_id = ?2"},
      {&s.update_patient_,
       "UPDATE patients SET " + s.patient_values_.KeepStoredFromParameters(2) + ", updated_at = ?" +
           std::to_string(2 + s.patient_values_.size()) + " WHERE patient_pk = ?1"},
      {&s.upsert_study_,
       UpsertSql(EntityLevel::kStudy, "patient_pk", "(study_instance_uid)", "study_pk")},
      {&s.upsert_series_,
       UpsertSql(EntityLevel::kSeries, "study_pk", "(series_instance_uid)", "series_pk")},
      {&s.insert_instance_,
       "INSERT INTO instances (series_pk, " + s.instance_columns_.Names() + ", " +
           std::string(kInstanceFileColumns) + ") VALUES (" +
           NumberedParameters(1, 1 + s.instance_columns_.size() + kInstanceFileColumnCount) +
           ") RETURNING instance_pk"},
      {&s.insert_header_, "INSERT INTO headers (instance_pk, json) VALUES (?1, ?2)"},
      {&s.insert_thumbnail_,
       "INSERT INTO thumbnails (instance_pk, status, width, height, png) "
       "VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&s.delete_instance_, "DELETE FROM instances WHERE instance_pk = ?1"},
      {&s.delete_empty_series_,
       "DELETE FROM series WHERE series_pk = ?1 AND NOT EXISTS "
       "(SELECT 1 FROM instances WHERE series_pk = ?1)"},
      {&s.delete_empty_study_,
       "DELETE FROM studies WHERE study_pk = ?1 AND NOT EXISTS "
       "(SELECT 1 FROM series WHERE study_pk = ?1)"},
      {&s.delete_empty_patient_,
       "DELETE FROM patients WHERE patient_pk = ?1 AND NOT EXISTS "
       "(SELECT 1 FROM studies WHERE patient_pk = ?1)"},
  };
  for (const Entry& e : entries) {
    auto stmt = db.Prepare(e.sql);
    if (!stmt.ok()) return stmt.status();
    e.slot->emplace(std::move(stmt).value());
  }
  return s;
}

Result<std::optional<StoredInstance>> RecordStatements::Find(const std::string& sop_instance_uid) {
  Statement& q = *find_;
  q.Bind(1, sop_instance_uid);
  std::optional<StoredInstance> found;
  if (q.Step()) {
    found = StoredInstance{q.Int(0), q.Int(1), q.Int(2), q.Int(3), q.Text(4)};
  }
  Status status = q.status();
  q.Reset();
  if (!status.ok()) return status;
  return found;
}

Result<int64_t> RecordStatements::UpsertPatient(const InstanceRecord& r, const std::string& now) {
  const PatientKeys& p = r.patient;
  // PS3.3 C.7.1.1: an empty Patient ID identifies nobody; such an instance's
  // patient is its study's own (created with the study's first instance).
  if (p.patient_id.empty()) {
    find_anonymous_patient_->Bind(1, r.study.study_instance_uid).Bind(2, p.issuer_of_patient_id);
    const bool found = find_anonymous_patient_->Step();
    const int64_t patient_pk = found ? find_anonymous_patient_->Int(0) : 0;
    Status status = find_anonymous_patient_->status();
    find_anonymous_patient_->Reset();
    if (!status.ok()) return status;
    if (found) {
      Statement& update = update_patient_->Bind(1, patient_pk);
      update.Bind(patient_values_.Bind(update, 2, r), now);
      PIXELDEX_RETURN_IF_ERROR(update.Run());
      return patient_pk;
    }
  }
  // A new anonymous patient, or the patient of this Patient ID and Issuer
  // (the upsert's conflict target covers non-empty Patient IDs only).
  upsert_patient_->Bind(patient_columns_.Bind(*upsert_patient_, 1, r), now);
  return StepForKey(*upsert_patient_, "patient upsert");
}

Result<int64_t> RecordStatements::UpsertStudy(const InstanceRecord& r, int64_t patient_pk,
                                              const std::string& now) {
  upsert_study_->Bind(1, patient_pk);
  upsert_study_->Bind(study_columns_.Bind(*upsert_study_, 2, r), now);
  return StepForKey(*upsert_study_, "study upsert");
}

Result<int64_t> RecordStatements::UpsertSeries(const InstanceRecord& r, int64_t study_pk,
                                               const std::string& now) {
  upsert_series_->Bind(1, study_pk);
  upsert_series_->Bind(series_columns_.Bind(*upsert_series_, 2, r), now);
  return StepForKey(*upsert_series_, "series upsert");
}

Result<int64_t> RecordStatements::InsertInstance(const InstanceRecord& r, int64_t series_pk) {
  Statement& stmt = insert_instance_->Bind(1, series_pk);
  const int next = instance_columns_.Bind(stmt, 2, r);
  // In the order of kInstanceFileColumns.
  stmt.Bind(next, r.instance.transfer_syntax_uid)
      .BindTextOrNull(next + 1, r.instance.specific_character_set)
      .Bind(next + 2, r.file.relative_path)
      .Bind(next + 3, r.file.size_bytes)
      .Bind(next + 4, r.file.sha256)
      .Bind(next + 5, r.file.received_at)
      .BindTextOrNull(next + 6, r.file.file_mtime)
      .Bind(next + 7, ProvenanceSourceName(r.provenance.source))
      .BindTextOrNull(next + 8, r.provenance.calling_aet)
      .BindTextOrNull(next + 9, r.provenance.called_aet)
      .BindTextOrNull(next + 10, r.provenance.peer_address);
  return StepForKey(stmt, "instance insert");
}

Result<int64_t> RecordStatements::Insert(const InstanceRecord& record, const std::string& now) {
  auto patient_pk = UpsertPatient(record, now);
  if (!patient_pk.ok()) return patient_pk.status();
  auto study_pk = UpsertStudy(record, *patient_pk, now);
  if (!study_pk.ok()) return study_pk.status();
  auto series_pk = UpsertSeries(record, *study_pk, now);
  if (!series_pk.ok()) return series_pk.status();
  auto instance_pk = InsertInstance(record, *series_pk);
  if (!instance_pk.ok()) return instance_pk.status();
  PIXELDEX_RETURN_IF_ERROR(insert_header_->Bind(1, *instance_pk).Bind(2, record.header_json).Run());
  if (record.thumbnail) {
    const ThumbnailRecord& t = *record.thumbnail;
    insert_thumbnail_->Bind(1, *instance_pk).Bind(2, StoredThumbnailStatus(t.status, t.reason));
    if (t.status == ThumbnailStatus::kOk) {
      insert_thumbnail_->Bind(3, int64_t{t.width}).Bind(4, int64_t{t.height}).BindBlob(5, t.png);
    }
    PIXELDEX_RETURN_IF_ERROR(insert_thumbnail_->Run());
  }
  return *instance_pk;
}

Status RecordStatements::DeleteInstanceRow(const StoredInstance& stored) {
  return delete_instance_->Bind(1, stored.instance_pk).Run();
}

Status RecordStatements::DeleteEmptyParents(const StoredInstance& stored) {
  PIXELDEX_RETURN_IF_ERROR(delete_empty_series_->Bind(1, stored.series_pk).Run());
  PIXELDEX_RETURN_IF_ERROR(delete_empty_study_->Bind(1, stored.study_pk).Run());
  return delete_empty_patient_->Bind(1, stored.patient_pk).Run();
}

}  // namespace pixeldex::index
