#include "catalog/index/record_statements.h"

#include <variant>
#include <vector>

#include "catalog/index/writer_sql.h"

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

// Binds `values` to parameters first, first + 1, ...
void BindValues(Statement& stmt, int first, const std::vector<ColumnValue>& values) {
  int index = first;
  for (const ColumnValue& value : values) {
    if (const auto* text = std::get_if<std::string>(&value)) {
      stmt.Bind(index, *text);
    } else if (const auto* number = std::get_if<int64_t>(&value)) {
      stmt.Bind(index, *number);
    } else {
      stmt.BindNull(index);
    }
    ++index;
  }
}

// The key `touch` returns for a row that already holds what `upsert` would
// write (then only its updated_at is set), else the key of the row `upsert`
// inserts or updates; `bind` binds the same parameters to either.
template <typename BindFn>
Result<int64_t> TouchOrUpsert(Statement& touch, Statement& upsert, const BindFn& bind,
                              const char* what) {
  bind(touch);
  const bool unchanged = touch.Step();
  const int64_t key = unchanged ? touch.Int(0) : 0;
  Status status = touch.status();
  touch.Reset();
  if (!status.ok()) return status;
  if (unchanged) return key;
  bind(upsert);
  return StepForKey(upsert, what);
}

}  // namespace

Result<RecordStatements> RecordStatements::Prepare(Db& db) {
  RecordStatements s;
  struct Entry {
    std::optional<Statement>* slot;
    const std::string& sql;
  };
  const WriterSql& sql = WriterSqlFor(SqlFlavor::kSqlite);
  const Entry entries[] = {
      {&s.find_, sql.find_stored},
      {&s.upsert_patient_, sql.upsert_patient},
      {&s.touch_patient_, sql.touch_patient},
      {&s.touch_study_, sql.touch_study},
      {&s.touch_series_, sql.touch_series},
      {&s.find_anonymous_patient_, sql.find_anonymous_patient},
      {&s.update_patient_, sql.update_patient},
      {&s.upsert_study_, sql.upsert_study},
      {&s.upsert_series_, sql.upsert_series},
      {&s.insert_instance_, sql.insert_instance},
      {&s.insert_header_, sql.insert_header},
      {&s.insert_thumbnail_, sql.insert_thumbnail},
      {&s.delete_instance_, sql.delete_instance},
      {&s.delete_empty_series_, sql.delete_empty_series},
      {&s.delete_empty_study_, sql.delete_empty_study},
      {&s.delete_empty_patient_, sql.delete_empty_patient},
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
    found = StoredInstance{q.Int(0), q.Int(1), q.Int(2), q.Int(3), q.Text(4),
                           RowLockKey{q.Text(5), q.Text(6), q.Text(7), q.Text(8),
                                      sop_instance_uid}};
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
  const auto bind = [&](Statement& stmt) { stmt.Bind(patient_columns_.Bind(stmt, 1, r), now); };
  if (p.patient_id.empty()) {
    bind(*upsert_patient_);
    return StepForKey(*upsert_patient_, "patient upsert");
  }
  return TouchOrUpsert(*touch_patient_, *upsert_patient_, bind, "patient upsert");
}

Result<int64_t> RecordStatements::UpsertStudy(const InstanceRecord& r, int64_t patient_pk,
                                              const std::string& now) {
  return TouchOrUpsert(
      *touch_study_, *upsert_study_,
      [&](Statement& stmt) { stmt.Bind(study_columns_.Bind(stmt.Bind(1, patient_pk), 2, r), now); },
      "study upsert");
}

Result<int64_t> RecordStatements::UpsertSeries(const InstanceRecord& r, int64_t study_pk,
                                               const std::string& now) {
  return TouchOrUpsert(
      *touch_series_, *upsert_series_,
      [&](Statement& stmt) { stmt.Bind(series_columns_.Bind(stmt.Bind(1, study_pk), 2, r), now); },
      "series upsert");
}

Result<int64_t> RecordStatements::InsertInstanceRow(const InstanceRecord& r,
                                                    int64_t series_pk) {
  Statement& stmt = insert_instance_->Bind(1, series_pk);
  BindValues(stmt, instance_columns_.Bind(stmt, 2, r), InstanceFileValues(r));
  return StepForKey(stmt, "instance insert");
}

Result<int64_t> RecordStatements::UpsertParents(const InstanceRecord& record,
                                                const std::string& now) {
  auto patient_pk = UpsertPatient(record, now);
  if (!patient_pk.ok()) return patient_pk.status();
  auto study_pk = UpsertStudy(record, *patient_pk, now);
  if (!study_pk.ok()) return study_pk.status();
  return UpsertSeries(record, *study_pk, now);
}

Result<int64_t> RecordStatements::InsertInstance(const InstanceRecord& record,
                                                 int64_t series_pk) {
  auto instance_pk = InsertInstanceRow(record, series_pk);
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
