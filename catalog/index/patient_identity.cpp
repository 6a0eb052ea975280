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

// Each study whose patient has an empty Patient ID gets a patient of its
// own, from the header of its first instance; the shared rows then go.
constexpr const char* kSplitAnonymousPatients = R"sql(
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
       -- PS3.18 F.2.2: a PN value's groups back into "Alphabetic=Ideographic=Phonetic".
       (SELECT nullif(group_concat(rtrim(coalesce(json_extract(v.value, '$.Alphabetic'), '') || '='
                                         || coalesce(json_extract(v.value, '$.Ideographic'), '') || '='
                                         || coalesce(json_extract(v.value, '$.Phonetic'), ''), '='),
                                   '\'), '')
        FROM json_each(v4_split.header, '$."00100010".Value') v),
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

}  // namespace

std::string PatientIdentityMigration() {
  return std::string(kRebuildPatients) + kSplitAnonymousPatients;
}

}  // namespace pixeldex::index
