#pragma once
// WriterSql: the text of every statement the index writer runs, written once
// and spelled for each backend's SQL: SQLite numbers its parameters ?1, ?2
// (SQLite "Binding Values To Prepared Statements"), PostgreSQL $1, $2
// (PostgreSQL documentation, 4.2.2 "Positional Parameters"); in an upsert's
// DO UPDATE, PostgreSQL needs the stored row's columns qualified by the
// table name, since `excluded` offers the same names (SQL command reference,
// INSERT, "ON CONFLICT Clause"). The typed columns come from the attribute
// table (attribute_columns.h). Every value is a parameter, never SQL text.
// Pure; safe from any thread.

#include <string>
#include <string_view>
#include <vector>

#include "catalog/common/instance_record.h"
#include "catalog/index/attribute_columns.h"
#include "catalog/index/sql_flavor.h"

namespace pixeldex::index {

struct WriterSql {
  // ?1 = SOP Instance UID -> instance_pk, series_pk, study_pk, patient_pk,
  // path, patient_id, issuer_of_patient_id, study_instance_uid,
  // series_instance_uid.
  std::string find_stored;
  // ?1 = SOP Instance UID -> path, received_at, source, calling_aet,
  // called_aet, peer_address (CatalogedCopyOf).
  std::string find_copy;
  // The typed columns, then updated_at -> patient_pk.
  std::string upsert_patient;
  // SQLite only (empty for PostgreSQL, whose writer always upserts): the
  // parameters of upsert_patient, upsert_study, upsert_series; sets only
  // updated_at, and only on a row that already holds every value the
  // upsert would write -> its key, or no row (then the upsert runs).
  std::string touch_patient, touch_study, touch_series;
  // ?1 = Study Instance UID, ?2 = Issuer -> the patient_pk of the study's
  // patient without a Patient ID (patient_identity.h).
  std::string find_anonymous_patient;
  // ?1 = patient_pk, then the nullable typed columns, then updated_at.
  std::string update_patient;
  // ?1 = parent key, then the typed columns, then updated_at -> the key.
  std::string upsert_study, upsert_series;
  // ?1 = series_pk, then the typed columns, then kInstanceFileColumns ->
  // instance_pk.
  std::string insert_instance;
  std::string insert_header;     // ?1 = instance_pk, ?2 = DICOM JSON
  std::string insert_thumbnail;  // instance_pk, status, width, height, png
  std::string delete_instance;   // ?1 = instance_pk
  std::string delete_empty_series, delete_empty_study, delete_empty_patient;  // ?1 = key
  // calling_aet, called_aet, peer_address, started_at, ended_at,
  // accepted_contexts, rejected_contexts, instances, bytes, outcome.
  std::string insert_association;
  // at, kind, sop_instance_uid, calling_aet, status_code, detail.
  std::string insert_event;
  std::string prune_associations, prune_events;  // ?1 = cutoff
  // ?1 = Study Instance UID, ?2 = protected_at, ?3 = reason (NULL for none);
  // a study already protected keeps its first row.
  std::string protect_study;
  std::string unprotect_study;  // ?1 = Study Instance UID
  // ?1 = instance_pk, ?2 = status, ?3 = width, ?4 = height, ?5 = png, ?6 =
  // sha256: the row upserted only while the instance records that sha256.
  std::string replace_thumbnail;
};


// The statements in `flavor`'s spelling; built once per flavor.
const WriterSql& WriterSqlFor(SqlFlavor flavor);

// The instance columns that are no typed attribute (attribute_table.h), in
// the order of InstanceFileValues.
inline constexpr std::string_view kInstanceFileColumns =
    "transfer_syntax_uid, specific_character_set, path, size_bytes, sha256, received_at, "
    "file_mtime, source, calling_aet, called_aet, peer_address";

// The values insert_instance takes after the typed columns: the file and
// provenance facts (transfer syntax, character set, path, size, SHA-256,
// received_at, mtime, source, calling/called AE, peer), empty optional
// text as NULL.
std::vector<ColumnValue> InstanceFileValues(const InstanceRecord& record);

}  // namespace pixeldex::index
