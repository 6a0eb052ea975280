#include "catalog/index/schema.h"

#include <string>
#include <vector>

namespace pixeldex::index {
namespace {

// Version 1: the four-level model, full headers, thumbnails, and a view with
// one row per instance. Key columns (UIDs, patient id) are NOT NULL; other
// DICOM values are NULL when absent or empty. Dates and times keep their
// DICOM form (YYYYMMDD, HHMMSS.FFFFFF).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE patients (
  patient_pk            INTEGER PRIMARY KEY,
  patient_id            TEXT NOT NULL,
  issuer_of_patient_id  TEXT NOT NULL DEFAULT '',
  patient_name          TEXT,
  patient_birth_date    TEXT,
  patient_sex           TEXT,
  updated_at            TEXT NOT NULL,
  UNIQUE (patient_id, issuer_of_patient_id)
);
CREATE INDEX patients_name ON patients(patient_name COLLATE NOCASE);

CREATE TABLE studies (
  study_pk                  INTEGER PRIMARY KEY,
  patient_pk                INTEGER NOT NULL REFERENCES patients(patient_pk),
  study_instance_uid        TEXT NOT NULL UNIQUE,
  study_date                TEXT,
  study_time                TEXT,
  accession_number          TEXT,
  study_id                  TEXT,
  study_description         TEXT,
  referring_physician_name  TEXT,
  updated_at                TEXT NOT NULL
);
CREATE INDEX studies_patient ON studies(patient_pk);
CREATE INDEX studies_date ON studies(study_date);
CREATE INDEX studies_accession ON studies(accession_number);

CREATE TABLE series (
  series_pk             INTEGER PRIMARY KEY,
  study_pk              INTEGER NOT NULL REFERENCES studies(study_pk),
  series_instance_uid   TEXT NOT NULL UNIQUE,
  modality              TEXT,
  series_number         INTEGER,
  series_description    TEXT,
  body_part_examined    TEXT,
  series_date           TEXT,
  series_time           TEXT,
  manufacturer          TEXT,
  institution_name      TEXT,
  station_name          TEXT,
  updated_at            TEXT NOT NULL
);
CREATE INDEX series_study ON series(study_pk);
CREATE INDEX series_modality ON series(modality);

CREATE TABLE instances (
  instance_pk             INTEGER PRIMARY KEY,
  series_pk               INTEGER NOT NULL REFERENCES series(series_pk),
  sop_instance_uid        TEXT NOT NULL UNIQUE,
  sop_class_uid           TEXT NOT NULL,
  instance_number         INTEGER,
  transfer_syntax_uid     TEXT NOT NULL,
  rows                    INTEGER,
  columns                 INTEGER,
  number_of_frames        INTEGER,
  content_date            TEXT,
  content_time            TEXT,
  specific_character_set  TEXT,
  path                    TEXT NOT NULL,
  size_bytes              INTEGER NOT NULL,
  sha256                  TEXT NOT NULL,
  received_at             TEXT NOT NULL,
  file_mtime              TEXT,
  source                  TEXT NOT NULL,
  calling_aet             TEXT,
  called_aet              TEXT,
  peer_address            TEXT
);
CREATE INDEX instances_series ON instances(series_pk);
CREATE INDEX instances_sop_class ON instances(sop_class_uid);
CREATE INDEX instances_path ON instances(path);

CREATE TABLE headers (
  instance_pk  INTEGER PRIMARY KEY REFERENCES instances(instance_pk) ON DELETE CASCADE,
  json         TEXT NOT NULL
);

CREATE TABLE thumbnails (
  instance_pk  INTEGER PRIMARY KEY REFERENCES instances(instance_pk) ON DELETE CASCADE,
  status       TEXT NOT NULL,
  width        INTEGER,
  height       INTEGER,
  png          BLOB
);

CREATE VIEW instance_details AS
SELECT i.sop_instance_uid, i.sop_class_uid, i.instance_number, i.transfer_syntax_uid,
       i.rows, i.columns, i.number_of_frames, i.path, i.size_bytes, i.sha256, i.received_at,
       i.calling_aet, i.source,
       se.series_instance_uid, se.modality, se.series_number, se.series_description,
       se.body_part_examined, se.manufacturer,
       st.study_instance_uid, st.study_date, st.study_time, st.accession_number,
       st.study_id, st.study_description,
       p.patient_id, p.patient_name, p.patient_birth_date, p.patient_sex,
       i.instance_pk, se.series_pk, st.study_pk, p.patient_pk
FROM instances i
JOIN series se ON se.series_pk = i.series_pk
JOIN studies st ON st.study_pk = se.study_pk
JOIN patients p ON p.patient_pk = st.patient_pk;
)sql";

// Migrations in order: entry k moves the schema from version k to k+1.
const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> migrations = {kSchemaV1};
  return migrations;
}

Result<int> ReadUserVersion(Db& db) {
  auto stmt = db.Prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.status();
  if (!stmt->Step()) return db.LastError("reading schema version");
  return static_cast<int>(stmt->Int(0));
}

}  // namespace

int CurrentSchemaVersion() { return static_cast<int>(Migrations().size()); }

Status PrepareForWriting(Db& db) {
  // WAL: readers (sqlite3 shell, C-FIND) never block the writer. FULL: a
  // committed transaction survives power loss, which a C-STORE success needs.
  PIXELDEX_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                   "PRAGMA foreign_keys=ON;"));
  PIXELDEX_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  auto version = ReadUserVersion(db);
  if (!version.ok()) {
    db.Exec("ROLLBACK");
    return version.status();
  }
  if (*version > CurrentSchemaVersion()) {
    db.Exec("ROLLBACK");
    return Status::Unsupported("index schema version " + std::to_string(*version) +
                               " is newer than this pixeldex understands (" +
                               std::to_string(CurrentSchemaVersion()) + ")");
  }
  for (int v = *version; v < CurrentSchemaVersion(); ++v) {
    Status s = db.Exec(Migrations()[v]);
    if (s.ok()) s = db.Exec("PRAGMA user_version=" + std::to_string(v + 1));
    if (!s.ok()) {
      db.Exec("ROLLBACK");
      return Status::Internal("schema migration to version " + std::to_string(v + 1) +
                              " failed: " + s.message());
    }
  }
  return db.Exec("COMMIT");
}

Status PrepareForReading(Db& db) {
  return db.Exec("PRAGMA foreign_keys=ON; PRAGMA query_only=ON;");
}

}  // namespace pixeldex::index
