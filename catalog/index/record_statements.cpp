#include "catalog/index/record_statements.h"

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

}  // namespace

Result<RecordStatements> RecordStatements::Prepare(Db& db) {
  RecordStatements s;
  struct Entry {
    std::optional<Statement>* slot;
    const char* sql;
  };
  const Entry entries[] = {
      {&s.find_,
       "SELECT i.instance_pk, i.series_pk, se.study_pk, st.patient_pk, i.path FROM instances i "
       "JOIN series se ON se.series_pk = i.series_pk JOIN studies st ON st.study_pk = se.study_pk "
       "WHERE i.sop_instance_uid = ?1"},
      {&s.upsert_patient_,
       "INSERT INTO patients (patient_id, issuer_of_patient_id, patient_name, patient_birth_date, "
       "patient_sex, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
       "ON CONFLICT (patient_id, issuer_of_patient_id) WHERE patient_id <> '' DO UPDATE SET "
       "patient_name = coalesce(excluded.patient_name, patient_name), "
       "patient_birth_date = coalesce(excluded.patient_birth_date, patient_birth_date), "
       "patient_sex = coalesce(excluded.patient_sex, patient_sex), updated_at = excluded.updated_at "
       "RETURNING patient_pk"},
      // The patient of a study without a Patient ID (patient_identity.h).
      {&s.find_anonymous_patient_,
       "SELECT p.patient_pk FROM studies st JOIN patients p ON p.patient_pk = st.patient_pk "
       "WHERE st.study_instance_uid = ?1 AND p.patient_id = '' AND p.issuer_of_patient_id = ?2"},
      {&s.update_patient_,
       "UPDATE patients SET patient_name = coalesce(?2, patient_name), "
       "patient_birth_date = coalesce(?3, patient_birth_date), "
       "patient_sex = coalesce(?4, patient_sex), updated_at = ?5 WHERE patient_pk = ?1"},
      {&s.upsert_study_,
       "INSERT INTO studies (patient_pk, study_instance_uid, study_date, study_time, "
       "accession_number, study_id, study_description, referring_physician_name, updated_at) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
       "ON CONFLICT (study_instance_uid) DO UPDATE SET patient_pk = excluded.patient_pk, "
       "study_date = coalesce(excluded.study_date, study_date), "
       "study_time = coalesce(excluded.study_time, study_time), "
       "accession_number = coalesce(excluded.accession_number, accession_number), "
       "study_id = coalesce(excluded.study_id, study_id), "
       "study_description = coalesce(excluded.study_description, study_description), "
       "referring_physician_name = coalesce(excluded.referring_physician_name, "
       "referring_physician_name), updated_at = excluded.updated_at "
       "RETURNING study_pk"},
      {&s.upsert_series_,
       "INSERT INTO series (study_pk, series_instance_uid, modality, series_number, "
       "series_description, body_part_examined, series_date, series_time, manufacturer, "
       "institution_name, station_name, updated_at) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
       "ON CONFLICT (series_instance_uid) DO UPDATE SET study_pk = excluded.study_pk, "
       "modality = coalesce(excluded.modality, modality), "
       "series_number = coalesce(excluded.series_number, series_number), "
       "series_description = coalesce(excluded.series_description, series_description), "
       "body_part_examined = coalesce(excluded.body_part_examined, body_part_examined), "
       "series_date = coalesce(excluded.series_date, series_date), "
       "series_time = coalesce(excluded.series_time, series_time), "
       "manufacturer = coalesce(excluded.manufacturer, manufacturer), "
       "institution_name = coalesce(excluded.institution_name, institution_name), "
       "station_name = coalesce(excluded.station_name, station_name), "
       "updated_at = excluded.updated_at RETURNING series_pk"},
      {&s.insert_instance_,
       "INSERT INTO instances (series_pk, sop_instance_uid, sop_class_uid, instance_number, "
       "transfer_syntax_uid, rows, columns, number_of_frames, content_date, content_time, "
       "specific_character_set, path, size_bytes, sha256, received_at, file_mtime, source, "
       "calling_aet, called_aet, peer_address) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
       "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20) RETURNING instance_pk"},
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

Result<int64_t> RecordStatements::UpsertPatient(const PatientKeys& p, const std::string& study_uid,
                                                const std::string& now) {
  // PS3.3 C.7.1.1: an empty Patient ID identifies nobody; such an instance's
  // patient is its study's own (created with the study's first instance).
  if (p.patient_id.empty()) {
    find_anonymous_patient_->Bind(1, study_uid).Bind(2, p.issuer_of_patient_id);
    const bool found = find_anonymous_patient_->Step();
    const int64_t patient_pk = found ? find_anonymous_patient_->Int(0) : 0;
    Status status = find_anonymous_patient_->status();
    find_anonymous_patient_->Reset();
    if (!status.ok()) return status;
    if (found) {
      PIXELDEX_RETURN_IF_ERROR(update_patient_->Bind(1, patient_pk)
                                   .BindTextOrNull(2, p.patient_name)
                                   .BindTextOrNull(3, p.birth_date)
                                   .BindTextOrNull(4, p.sex)
                                   .Bind(5, now)
                                   .Run());
      return patient_pk;
    }
  }
  // A new anonymous patient, or the patient of this Patient ID and Issuer
  // (the upsert's conflict target covers non-empty Patient IDs only).
  upsert_patient_->Bind(1, p.patient_id)
      .Bind(2, p.issuer_of_patient_id)
      .BindTextOrNull(3, p.patient_name)
      .BindTextOrNull(4, p.birth_date)
      .BindTextOrNull(5, p.sex)
      .Bind(6, now);
  return StepForKey(*upsert_patient_, "patient upsert");
}

Result<int64_t> RecordStatements::UpsertStudy(const StudyKeys& s, int64_t patient_pk,
                                              const std::string& now) {
  upsert_study_->Bind(1, patient_pk)
      .Bind(2, s.study_instance_uid)
      .BindTextOrNull(3, s.study_date)
      .BindTextOrNull(4, s.study_time)
      .BindTextOrNull(5, s.accession_number)
      .BindTextOrNull(6, s.study_id)
      .BindTextOrNull(7, s.study_description)
      .BindTextOrNull(8, s.referring_physician_name)
      .Bind(9, now);
  return StepForKey(*upsert_study_, "study upsert");
}

Result<int64_t> RecordStatements::UpsertSeries(const SeriesKeys& s, int64_t study_pk,
                                               const std::string& now) {
  upsert_series_->Bind(1, study_pk)
      .Bind(2, s.series_instance_uid)
      .BindTextOrNull(3, s.modality)
      .Bind(4, s.series_number)
      .BindTextOrNull(5, s.series_description)
      .BindTextOrNull(6, s.body_part_examined)
      .BindTextOrNull(7, s.series_date)
      .BindTextOrNull(8, s.series_time)
      .BindTextOrNull(9, s.manufacturer)
      .BindTextOrNull(10, s.institution_name)
      .BindTextOrNull(11, s.station_name)
      .Bind(12, now);
  return StepForKey(*upsert_series_, "series upsert");
}

Result<int64_t> RecordStatements::InsertInstance(const InstanceRecord& r, int64_t series_pk) {
  const InstanceKeys& i = r.instance;
  insert_instance_->Bind(1, series_pk)
      .Bind(2, i.sop_instance_uid)
      .Bind(3, i.sop_class_uid)
      .Bind(4, i.instance_number)
      .Bind(5, i.transfer_syntax_uid)
      .Bind(6, i.rows)
      .Bind(7, i.columns)
      .Bind(8, i.number_of_frames)
      .BindTextOrNull(9, i.content_date)
      .BindTextOrNull(10, i.content_time)
      .BindTextOrNull(11, i.specific_character_set)
      .Bind(12, r.file.relative_path)
      .Bind(13, r.file.size_bytes)
      .Bind(14, r.file.sha256)
      .Bind(15, r.file.received_at)
      .BindTextOrNull(16, r.file.file_mtime)
      .Bind(17, r.provenance.source)
      .BindTextOrNull(18, r.provenance.calling_aet)
      .BindTextOrNull(19, r.provenance.called_aet)
      .BindTextOrNull(20, r.provenance.peer_address);
  return StepForKey(*insert_instance_, "instance insert");
}

Result<int64_t> RecordStatements::Insert(const InstanceRecord& record, const std::string& now) {
  auto patient_pk = UpsertPatient(record.patient, record.study.study_instance_uid, now);
  if (!patient_pk.ok()) return patient_pk.status();
  auto study_pk = UpsertStudy(record.study, *patient_pk, now);
  if (!study_pk.ok()) return study_pk.status();
  auto series_pk = UpsertSeries(record.series, *study_pk, now);
  if (!series_pk.ok()) return series_pk.status();
  auto instance_pk = InsertInstance(record, *series_pk);
  if (!instance_pk.ok()) return instance_pk.status();
  PIXELDEX_RETURN_IF_ERROR(insert_header_->Bind(1, *instance_pk).Bind(2, record.header_json).Run());
  if (record.thumbnail) {
    const ThumbnailRecord& t = *record.thumbnail;
    insert_thumbnail_->Bind(1, *instance_pk).Bind(2, t.status);
    if (t.status == "ok") {
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
