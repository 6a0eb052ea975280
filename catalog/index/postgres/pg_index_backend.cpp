#include "catalog/index/postgres/pg_index_backend.h"

#include <string_view>
#include <variant>
#include <vector>

#include "catalog/index/attribute_columns.h"
#include "catalog/index/postgres/pg_schema.h"
#include "catalog/index/writer_sql.h"

namespace pixeldex::index::postgres {
namespace {

const WriterSql& Sql() { return WriterSqlFor(SqlFlavor::kPostgres); }

PgParam ParamOf(const ColumnValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return PgParam::Text(*text);
  if (const auto* number = std::get_if<int64_t>(&value)) return PgParam::Int(*number);
  return PgParam::Null();
}

PgParam TextOrNull(const std::string& text) {
  return text.empty() ? PgParam::Null() : PgParam::Text(text);
}

void Append(std::vector<PgParam>& params, const std::vector<ColumnValue>& values) {
  for (const ColumnValue& value : values) params.push_back(ParamOf(value));
}

// The integer key in the single row a RETURNING statement gave.
Result<int64_t> KeyOf(Result<PgRows> rows, const char* what) {
  if (!rows.ok()) return rows.status();
  if (rows->rows() != 1) return Status::Internal(std::string(what) + " returned no key");
  return rows->Int(0, 0);
}

// The rows of one typed entity, upserted: ?1 = parent key when `parent`.
Result<int64_t> Upsert(PgConnection& conn, const std::string& sql, EntityLevel level,
                       std::optional<int64_t> parent, const InstanceRecord& r,
                       const std::string& now, const char* what) {
  std::vector<PgParam> params;
  if (parent) params.push_back(PgParam::Int(*parent));
  Append(params, AttributeColumns(level, AttributeColumns::Which::kAll).Values(r));
  params.push_back(PgParam::Text(now));
  return KeyOf(conn.ExecPrepared(sql, params), what);
}

// `json` with each escaped NUL (\u0000) as U+FFFD (\ufffd): jsonb cannot
// hold U+0000 (PostgreSQL documentation 8.14 "JSON Types": such an escape
// is refused, SQLSTATE 22P05), and a NUL in a DICOM text value is not a
// character of it anyway (PS3.5 6.1.2.3; the ingest pipeline marks
// undecodable text with U+FFFD the same way). A backslash that is itself
// escaped (\\u0000) is text, and kept.
std::string JsonbSafe(std::string json) {
  constexpr std::string_view kNul = "\\u0000";
  size_t at = json.find(kNul);
  while (at != std::string::npos) {
    size_t backslashes = 0;
    while (backslashes < at && json[at - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) json.replace(at + 2, 4, "fffd");
    at = json.find(kNul, at + kNul.size());
  }
  return json;
}

// instance_pk, status, width, height, png: the parameters of a thumbnail
// row (WriterSql::insert_thumbnail), size and PNG only for a rendered one.
std::vector<PgParam> ThumbnailParams(int64_t instance_pk, const ThumbnailRecord& t) {
  const bool ok = t.status == ThumbnailStatus::kOk;
  return {PgParam::Int(instance_pk), PgParam::Text(StoredThumbnailStatus(t.status, t.reason)),
          ok ? PgParam::Int(t.width) : PgParam::Null(),
          ok ? PgParam::Int(t.height) : PgParam::Null(),
          ok ? PgParam::Bytes(t.png) : PgParam::Null()};
}

Status Run(PgConnection& conn, const std::string& sql, std::initializer_list<PgParam> params) {
  return conn.ExecPrepared(sql, params).status();
}

}  // namespace

Result<std::unique_ptr<PgIndexBackend>> PgIndexBackend::Open(std::string_view uri) {
  auto writer = PgConnection::Open(uri);
  if (!writer.ok()) return writer.status();
  PIXELDEX_RETURN_IF_ERROR(MigratePostgresSchema(*writer));
  auto reader = PgConnection::Open(uri);
  if (!reader.ok()) return reader.status();
  return std::unique_ptr<PgIndexBackend>(
      new PgIndexBackend(std::move(writer).value(), std::move(reader).value(), std::string(uri)));
}

PgIndexBackend::PgIndexBackend(PgConnection writer, PgConnection reader, std::string uri)
    : writer_(std::move(writer)), reader_(std::move(reader)), locks_(std::move(uri)) {}

Status PgIndexBackend::InTransaction(const std::function<Status()>& body) {
  bool began = false;
  auto run = [&](PgConnection& conn) {
    began = true;
    batch_session_ = conn.sessions();
    return body();
  };
  Status status = writer_.Transaction(run);
  // A BEGIN that found the connection lost (a restart between batches)
  // committed nothing: once more, on the connection made again.
  if (!began && status.code() == Status::Code::kIoError) status = writer_.Transaction(run);
  return status;
}

void PgIndexBackend::Abandon() {
  (void)writer_.Exec("ROLLBACK");  // none open: a warning only; lost: nothing to undo
}

Status PgIndexBackend::CheckSameSession() const {
  if (writer_.sessions() == batch_session_) return Status::Ok();
  return Status::IoError("database unavailable: the connection was lost during a transaction");
}

Status PgIndexBackend::BeginJob() {
  PIXELDEX_RETURN_IF_ERROR(writer_.Exec("SAVEPOINT job").status());
  return CheckSameSession();
}

Status PgIndexBackend::EndJob(bool keep) {
  // A job that failed because the connection was lost must not be followed
  // by statements on a new connection, outside the transaction.
  PIXELDEX_RETURN_IF_ERROR(CheckSameSession());
  if (!keep) PIXELDEX_RETURN_IF_ERROR(writer_.Exec("ROLLBACK TO SAVEPOINT job").status());
  PIXELDEX_RETURN_IF_ERROR(writer_.Exec("RELEASE SAVEPOINT job").status());
  return CheckSameSession();
}

Result<std::optional<StoredInstance>> PgIndexBackend::FindStored(
    const std::string& sop_instance_uid) {
  auto rows = writer_.ExecPrepared(Sql().find_stored, {PgParam::Text(sop_instance_uid)});
  if (!rows.ok()) return rows.status();
  if (rows->rows() == 0) return std::optional<StoredInstance>();
  StoredInstance stored;
  int64_t* keys[] = {&stored.instance_pk, &stored.series_pk, &stored.study_pk,
                     &stored.patient_pk};
  for (int column = 0; column < 4; ++column) {
    auto key = rows->Int(0, column);
    if (!key.ok()) return key.status();
    *keys[column] = *key;
  }
  stored.path = std::string(rows->Text(0, 4));
  stored.rows = RowLockKey{std::string(rows->Text(0, 5)), std::string(rows->Text(0, 6)),
                           std::string(rows->Text(0, 7)), std::string(rows->Text(0, 8)),
                           sop_instance_uid};
  return std::optional<StoredInstance>(std::move(stored));
}

Result<int64_t> PgIndexBackend::UpsertPatient(const InstanceRecord& r, const std::string& now) {
  // PS3.3 C.7.1.1: an empty Patient ID identifies nobody; such an instance's
  // patient is its study's own (patient_identity.h), as on SQLite.
  if (r.patient.patient_id.empty()) {
    auto found = writer_.ExecPrepared(Sql().find_anonymous_patient,
                              {PgParam::Text(r.study.study_instance_uid),
                               PgParam::Text(r.patient.issuer_of_patient_id)});
    if (!found.ok()) return found.status();
    if (found->rows() > 0) {
      auto patient_pk = found->Int(0, 0);
      if (!patient_pk.ok()) return patient_pk.status();
      std::vector<PgParam> params{PgParam::Int(*patient_pk)};
      Append(params,
             AttributeColumns(EntityLevel::kPatient, AttributeColumns::Which::kNullable).Values(r));
      params.push_back(PgParam::Text(now));
      PIXELDEX_RETURN_IF_ERROR(writer_.ExecPrepared(Sql().update_patient, params).status());
      return *patient_pk;
    }
  }
  return Upsert(writer_, Sql().upsert_patient, EntityLevel::kPatient, std::nullopt, r, now,
                "patient upsert");
}

Result<int64_t> PgIndexBackend::UpsertParents(const InstanceRecord& r, const std::string& now) {
  auto patient_pk = UpsertPatient(r, now);
  if (!patient_pk.ok()) return patient_pk.status();
  auto study_pk =
      Upsert(writer_, Sql().upsert_study, EntityLevel::kStudy, *patient_pk, r, now, "study upsert");
  if (!study_pk.ok()) return study_pk.status();
  return Upsert(writer_, Sql().upsert_series, EntityLevel::kSeries, *study_pk, r, now,
                "series upsert");
}

Result<int64_t> PgIndexBackend::InsertInstance(const InstanceRecord& r, int64_t series_pk) {
  std::vector<PgParam> params{PgParam::Int(series_pk)};
  Append(params, AttributeColumns(EntityLevel::kInstance, AttributeColumns::Which::kAll).Values(r));
  Append(params, InstanceFileValues(r));
  auto instance_pk = KeyOf(writer_.ExecPrepared(Sql().insert_instance, params), "instance insert");
  if (!instance_pk.ok()) return instance_pk.status();
  PIXELDEX_RETURN_IF_ERROR(
      Run(writer_, Sql().insert_header,
          {PgParam::Int(*instance_pk), PgParam::Text(JsonbSafe(r.header_json))}));
  if (r.thumbnail) {
    PIXELDEX_RETURN_IF_ERROR(
        writer_.ExecPrepared(Sql().insert_thumbnail, ThumbnailParams(*instance_pk, *r.thumbnail))
            .status());
  }
  return *instance_pk;
}

Status PgIndexBackend::LockParent(const StoredInstance& stored, EntityLevel level) {
  static const std::string kLockPatient =
      "SELECT 1 FROM patients WHERE patient_pk = $1 FOR UPDATE";
  static const std::string kLockStudy = "SELECT 1 FROM studies WHERE study_pk = $1 FOR UPDATE";
  static const std::string kLockSeries = "SELECT 1 FROM series WHERE series_pk = $1 FOR UPDATE";
  switch (level) {
    case EntityLevel::kPatient:
      return Run(writer_, kLockPatient, {PgParam::Int(stored.patient_pk)});
    case EntityLevel::kStudy:
      return Run(writer_, kLockStudy, {PgParam::Int(stored.study_pk)});
    case EntityLevel::kSeries:
      return Run(writer_, kLockSeries, {PgParam::Int(stored.series_pk)});
    case EntityLevel::kInstance:
      break;
  }
  return Status::Internal("no parent row at the instance level");
}

Status PgIndexBackend::DeleteInstanceRow(const StoredInstance& stored) {
  return Run(writer_, Sql().delete_instance, {PgParam::Int(stored.instance_pk)});
}

Status PgIndexBackend::DeleteEmptyParents(const StoredInstance& stored) {
  PIXELDEX_RETURN_IF_ERROR(
      Run(writer_, Sql().delete_empty_series, {PgParam::Int(stored.series_pk)}));
  PIXELDEX_RETURN_IF_ERROR(Run(writer_, Sql().delete_empty_study, {PgParam::Int(stored.study_pk)}));
  return Run(writer_, Sql().delete_empty_patient, {PgParam::Int(stored.patient_pk)});
}

Status PgIndexBackend::Insert(const AssociationRecord& r) {
  return Run(writer_, Sql().insert_association,
             {TextOrNull(r.calling_aet), TextOrNull(r.called_aet), TextOrNull(r.peer_address),
              PgParam::Text(r.started_at), TextOrNull(r.ended_at),
              PgParam::Int(r.accepted_contexts), PgParam::Int(r.rejected_contexts),
              PgParam::Int(r.instances), PgParam::Int(r.bytes), TextOrNull(r.outcome)});
}

Status PgIndexBackend::Insert(const EventRecord& r, const std::string& now) {
  return Run(writer_, Sql().insert_event,
             {PgParam::Text(now), PgParam::Text(EventKindName(r.kind)),
              TextOrNull(r.sop_instance_uid), TextOrNull(r.calling_aet),
              r.status_code ? PgParam::Int(*r.status_code) : PgParam::Null(),
              TextOrNull(r.detail)});
}

Status PgIndexBackend::PruneHistoryBefore(const std::string& cutoff) {
  PIXELDEX_RETURN_IF_ERROR(Run(writer_, Sql().prune_associations, {PgParam::Text(cutoff)}));
  return Run(writer_, Sql().prune_events, {PgParam::Text(cutoff)});
}

Status PgIndexBackend::Protect(const std::string& study_instance_uid, const std::string& reason,
                               const std::string& now) {
  return Run(writer_, Sql().protect_study,
             {PgParam::Text(study_instance_uid), PgParam::Text(now), TextOrNull(reason)});
}

Status PgIndexBackend::Unprotect(const std::string& study_instance_uid) {
  return Run(writer_, Sql().unprotect_study, {PgParam::Text(study_instance_uid)});
}

Result<bool> PgIndexBackend::ReplaceThumbnail(const ThumbnailUpdate& update) {
  std::vector<PgParam> params = ThumbnailParams(update.instance_pk, update.thumbnail);
  params.push_back(PgParam::Text(update.sha256));
  auto written = writer_.ExecPrepared(Sql().replace_thumbnail, params);
  if (!written.ok()) return written.status();
  return written->affected() > 0;
}

Result<std::optional<std::unique_ptr<InstanceLock>>> PgIndexBackend::LockRecycling(bool wait) {
  auto held = wait ? locks_.Lock(kRecyclingLockName) : locks_.TryLock(kRecyclingLockName);
  if (!held.ok()) return held.status();
  if (*held == nullptr) return std::optional<std::unique_ptr<InstanceLock>>();
  return std::optional<std::unique_ptr<InstanceLock>>(std::move(held).value());
}

Result<std::optional<CatalogedCopy>> PgIndexBackend::FindCopy(
    const std::string& sop_instance_uid) {
  std::lock_guard lock(reader_mutex_);
  auto rows = reader_.Exec(Sql().find_copy, {PgParam::Text(sop_instance_uid)});
  // A read is safe to repeat: once more on the connection made again after
  // a restart of the server.
  if (!rows.ok() && rows.status().code() == Status::Code::kIoError) {
    rows = reader_.Exec(Sql().find_copy, {PgParam::Text(sop_instance_uid)});
  }
  if (!rows.ok()) return rows.status();
  if (rows->rows() == 0) return std::optional<CatalogedCopy>();
  auto text = [&](int column) { return std::string(rows->Text(0, column)); };
  auto copy = CatalogedCopyOf(sop_instance_uid, text(0), text(1), text(2), text(3), text(4),
                              text(5));
  if (!copy.ok()) return copy.status();
  return std::optional<CatalogedCopy>(std::move(copy).value());
}

}  // namespace pixeldex::index::postgres
