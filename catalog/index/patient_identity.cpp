#include "catalog/index/patient_identity.h"

namespace pixeldex::index {
namespace {

// SQLite cannot drop a table constraint: the table is rebuilt (SQLite's
// "generalized ALTER TABLE" procedure). legacy_alter_table keeps the rename
// from rewriting the views and foreign keys that name `patients`, which then
// name the new table.
constexpr const char* kRebuildPatients = R"sql(
PRAGMA legacy_alter_table=ON;
CREATE TABLE patients_v4 (
  patient_pk            INTEGER PRIMARY KEY,
  patient_id            TEXT NOT NULL,
  issuer_of_patient_id  TEXT NOT NULL DEFAULT '',
  patient_name          TEXT,
  patient_birth_date    TEXT,
  patient_sex           TEXT,
  updated_at            TEXT NOT NULL
);
INSERT INTO patients_v4 SELECT patient_pk, patient_id, issuer_of_patient_id, patient_name,
                               patient_birth_date, patient_sex, updated_at FROM patients;
DROP TABLE patients;
ALTER TABLE patients_v4 RENAME TO patients;
PRAGMA legacy_alter_table=OFF;
CREATE UNIQUE INDEX patients_identity ON patients(patient_id, issuer_of_patient_id)
  WHERE patient_id <> '';
-- C-FIND and retrieves look Patient IDs up by a bound parameter, which the
-- partial index above cannot serve.
CREATE INDEX patients_id ON patients(patient_id);
CREATE INDEX patients_name ON patients(patient_name COLLATE NOCASE);
)sql";

// PS3.18 F.2.2: the Patient's Name of the DICOM JSON `header` (an SQL
// expression), each value's groups back into "Alphabetic=Ideographic=
// Phonetic", values '\'-separated, as the writer stores a PN; NULL if empty.
std::string PatientNameFromHeader(const std::string& header) {
  return R"sql((SELECT nullif(group_concat(rtrim(coalesce(json_extract(v.value, '$.Alphabetic'), '') || '='
                                         || coalesce(json_extract(v.value, '$.Ideographic'), '') || '='
                                         || coalesce(json_extract(v.value, '$.Phonetic'), ''), '='),
                                   '\'), '')
        FROM json_each()sql" +
         header + R"sql(, '$."00100010".Value') v))sql";
}

// Each study whose patient has an empty Patient ID gets a patient of its
// own, from the header of its first instance; the shared rows then go.
std::string SplitAnonymousPatients() {
  return R"sql(
CREATE TEMP TABLE v4_split AS
SELECT st.study_pk, p.issuer_of_patient_id AS issuer,
       (SELECT coalesce(max(patient_pk), 0) FROM patients)
         + row_number() OVER (ORDER BY st.study_pk) AS new_pk,
       (SELECT h.json FROM series se JOIN instances i ON i.series_pk = se.series_pk
        JOIN headers h ON h.instance_pk = i.instance_pk
        WHERE se.study_pk = st.study_pk ORDER BY i.instance_pk LIMIT 1) AS header
FROM studies st JOIN patients p ON p.patient_pk = st.patient_pk
WHERE p.patient_id = '';
INSERT INTO patients (patient_pk, patient_id, issuer_of_patient_id, patient_name,
                      patient_birth_date, patient_sex, updated_at)
SELECT new_pk, '', issuer,
       )sql" + PatientNameFromHeader("v4_split.header") + R"sql(,
       json_extract(header, '$."00100030".Value[0]'),
       json_extract(header, '$."00100040".Value[0]'),
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM v4_split;
UPDATE studies SET patient_pk = (SELECT new_pk FROM v4_split s WHERE s.study_pk = studies.study_pk)
WHERE study_pk IN (SELECT study_pk FROM v4_split);
DELETE FROM patients WHERE patient_id = ''
  AND NOT EXISTS (SELECT 1 FROM studies st WHERE st.patient_pk = patients.patient_pk);
DROP TABLE v4_split;
)sql";
}


// Version 6, step 1: the columns, and each study's values from the headers
// of its instances, newest first, as the writer's upsert keeps them.
std::string AddStudyPatientColumns() {
  return R"sql(
ALTER TABLE studies ADD COLUMN patient_name TEXT;
ALTER TABLE studies ADD COLUMN patient_birth_date TEXT;
ALTER TABLE studies ADD COLUMN patient_sex TEXT;
CREATE TEMP TABLE v6_values AS
SELECT se.study_pk, i.instance_pk,
       )sql" + PatientNameFromHeader("h.json") + R"sql( AS name,
       nullif(json_extract(h.json, '$."00100030".Value[0]'), '') AS birth_date,
       nullif(json_extract(h.json, '$."00100040".Value[0]'), '') AS sex
FROM series se JOIN instances i ON i.series_pk = se.series_pk
JOIN headers h ON h.instance_pk = i.instance_pk;
CREATE INDEX temp.v6_values_study ON v6_values(study_pk, instance_pk);
UPDATE studies SET
  patient_name = (SELECT name FROM v6_values v WHERE v.study_pk = studies.study_pk
                  AND name IS NOT NULL ORDER BY instance_pk DESC LIMIT 1),
  patient_birth_date = (SELECT birth_date FROM v6_values v WHERE v.study_pk = studies.study_pk
                        AND birth_date IS NOT NULL ORDER BY instance_pk DESC LIMIT 1),
  patient_sex = (SELECT sex FROM v6_values v WHERE v.study_pk = studies.study_pk
                 AND sex IS NOT NULL ORDER BY instance_pk DESC LIMIT 1);
DROP TABLE v6_values;
CREATE INDEX studies_patient_name ON studies(patient_name COLLATE NOCASE);
)sql";
}

// Version 6, step 2: the views of version 2, their columns unchanged, with
// the patient's name, birth date and sex of the study.
constexpr const char* kStudyPatientViews = R"sql(
DROP VIEW instance_details;
CREATE VIEW instance_details AS
SELECT i.sop_instance_uid, i.sop_class_uid, i.instance_number, i.transfer_syntax_uid,
       i.rows, i.columns, i.number_of_frames, i.path, i.size_bytes, i.sha256, i.received_at,
       i.calling_aet, i.source,
       se.series_instance_uid, se.modality, se.series_number, se.series_description,
       se.body_part_examined, se.manufacturer,
       st.study_instance_uid, st.study_date, st.study_time, st.accession_number,
       st.study_id, st.study_description,
       p.patient_id, st.patient_name, st.patient_birth_date, st.patient_sex,
       i.instance_pk, se.series_pk, st.study_pk, p.patient_pk,
       p.issuer_of_patient_id, st.referring_physician_name,
       se.series_date, se.series_time, se.institution_name, se.station_name,
       i.content_date, i.content_time, i.specific_character_set, i.file_mtime,
       i.called_aet, i.peer_address
FROM instances i
JOIN series se ON se.series_pk = i.series_pk
JOIN studies st ON st.study_pk = se.study_pk
JOIN patients p ON p.patient_pk = st.patient_pk;

DROP VIEW study_summary;
CREATE VIEW study_summary AS
SELECT p.patient_id, st.patient_name,
       st.study_instance_uid, st.study_date, st.study_time, st.accession_number,
       st.study_description,
       (SELECT group_concat(modality, '\') FROM
          (SELECT DISTINCT modality FROM series m
           WHERE m.study_pk = st.study_pk AND m.modality IS NOT NULL ORDER BY modality)) AS modalities,
       count(DISTINCT se.series_pk) AS series_count,
       count(i.instance_pk) AS instance_count,
       coalesce(sum(i.size_bytes), 0) AS total_bytes,
       min(i.received_at) AS first_received,
       max(i.received_at) AS last_received,
       st.study_pk, p.patient_pk
FROM studies st
JOIN patients p ON p.patient_pk = st.patient_pk
LEFT JOIN series se ON se.study_pk = st.study_pk
LEFT JOIN instances i ON i.series_pk = se.series_pk
GROUP BY st.study_pk;
)sql";

// Version 9: the study's copy of its patient's identity. NOT NULL as in
// `patients`; the default only serves ALTER TABLE (SQLite, ALTER TABLE ADD
// COLUMN), every row is set below and by every write.
constexpr const char* kStudyPatientIdentity = R"sql(
ALTER TABLE studies ADD COLUMN patient_id TEXT NOT NULL DEFAULT '';
ALTER TABLE studies ADD COLUMN issuer_of_patient_id TEXT NOT NULL DEFAULT '';
UPDATE studies SET patient_id = p.patient_id, issuer_of_patient_id = p.issuer_of_patient_id
FROM patients p WHERE p.patient_pk = studies.patient_pk;
CREATE INDEX studies_patient_id ON studies(patient_id);
)sql";

}  // namespace

std::string PatientIdentityMigration() {
  return std::string(kRebuildPatients) + SplitAnonymousPatients();
}

std::string StudyPatientAttributesMigration() {
  return AddStudyPatientColumns() + kStudyPatientViews;
}

std::string StudyPatientIdentityMigration() { return kStudyPatientIdentity; }

}  // namespace pixeldex::index
