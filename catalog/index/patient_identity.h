#pragma once
// Patient identity in the index (PS3.3 C.7.1.1): instances with the same
// non-empty Patient ID and Issuer of Patient ID are one patient; an empty
// (or absent) Patient ID identifies nobody, so the patient of such an
// instance is the patient of its study alone: each study without a Patient
// ID has its own `patients` row, carrying what its own instances say. This
// file holds the schema migration (version 4) that makes the `patients`
// table say so; the writer's statements (record_statements.cpp) follow the
// same rule.

#include <string>

namespace pixeldex::index {

// The SQL that moves an index from schema version 3 to 4: `patients` loses
// its UNIQUE (patient_id, issuer_of_patient_id) constraint for a unique
// index over non-empty Patient IDs, and every study that shared a patient
// row with an empty Patient ID gets its own, with the name, birth date and
// sex of the study's first instance's header. Run with foreign keys off
// (the table is rebuilt), inside the migration's transaction.
std::string PatientIdentityMigration();

// The SQL that moves an index from schema version 5 to 6: `studies` gains
// patient_name, patient_birth_date and patient_sex, filled from the headers
// of each study's instances as the writer keeps them (the value of the most
// recent instance that has one); an index serves Patient's Name at study
// level; the views instance_details and study_summary read the study's copy.
std::string StudyPatientAttributesMigration();

// The SQL that moves an index from schema version 8 to 9: `studies` gains
// patient_id and issuer_of_patient_id, the identity of the study's patient
// (the writer sets them with the study's patient_pk), filled from each
// study's `patients` row; an index serves Patient ID at study level. A
// study-level C-FIND or QIDO-RS search then reads no `patients` row.
std::string StudyPatientIdentityMigration();

}  // namespace pixeldex::index
