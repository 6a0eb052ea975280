#include "catalog/index/schema.h"

#include <string>
#include <vector>

#include "catalog/index/dicom_dictionary.h"
#include "catalog/index/patient_identity.h"
#include "catalog/index/study_counts.h"

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

// Version 2: the catalog as a product for analysts. Adds the tag dictionary
// (loaded from dicom_dictionary.inc), the `associations` and `events` logs,
// and the views documented in the README ("The index"):
// instance_details (recreated with more columns, v1 columns first and in
// their v1 order), study_summary, series_summary, tags, thumbnail_images.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE dicom_dictionary (
  tag      TEXT PRIMARY KEY,  -- 8 upper-case hex digits as in DICOM JSON; '60xx0010' for repeating groups
  keyword  TEXT NOT NULL,     -- PS3.6 keyword, e.g. SliceThickness
  vr       TEXT,              -- e.g. 'DS', 'US or SS'; NULL for items and delimiters
  name     TEXT NOT NULL,     -- the keyword split into words
  retired  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX dicom_dictionary_keyword ON dicom_dictionary(keyword);

-- One row per DICOM association (filled by the server).
CREATE TABLE associations (
  association_pk     INTEGER PRIMARY KEY,
  calling_aet        TEXT,
  called_aet         TEXT,
  peer_address       TEXT,              -- "host:port"
  started_at         TEXT NOT NULL,     -- ISO 8601 UTC
  ended_at           TEXT,              -- NULL while open
  accepted_contexts  INTEGER NOT NULL DEFAULT 0,
  rejected_contexts  INTEGER NOT NULL DEFAULT 0,
  instances          INTEGER NOT NULL DEFAULT 0,  -- instances stored
  bytes              INTEGER NOT NULL DEFAULT 0,  -- bytes stored
  outcome            TEXT               -- 'released', 'aborted', 'rejected', ...; NULL while open
);
CREATE INDEX associations_started ON associations(started_at);
CREATE INDEX associations_calling ON associations(calling_aet, started_at);

-- Things that went wrong or were worth noting, one row each.
CREATE TABLE events (
  event_pk          INTEGER PRIMARY KEY,
  at                TEXT NOT NULL,      -- ISO 8601 UTC
  kind              TEXT NOT NULL,      -- 'store_failed', 'duplicate_replaced', 'thumbnail_failed', 'import_failed', ...
  sop_instance_uid  TEXT,
  calling_aet       TEXT,
  status_code       INTEGER,            -- DIMSE status sent, e.g. 42752 (0xA700)
  detail            TEXT
);
CREATE INDEX events_at ON events(at);
CREATE INDEX events_kind_at ON events(kind, at);

DROP VIEW instance_details;
CREATE VIEW instance_details AS
SELECT i.sop_instance_uid, i.sop_class_uid, i.instance_number, i.transfer_syntax_uid,
       i.rows, i.columns, i.number_of_frames, i.path, i.size_bytes, i.sha256, i.received_at,
       i.calling_aet, i.source,
       se.series_instance_uid, se.modality, se.series_number, se.series_description,
       se.body_part_examined, se.manufacturer,
       st.study_instance_uid, st.study_date, st.study_time, st.accession_number,
       st.study_id, st.study_description,
       p.patient_id, p.patient_name, p.patient_birth_date, p.patient_sex,
       i.instance_pk, se.series_pk, st.study_pk, p.patient_pk,
       p.issuer_of_patient_id, st.referring_physician_name,
       se.series_date, se.series_time, se.institution_name, se.station_name,
       i.content_date, i.content_time, i.specific_character_set, i.file_mtime,
       i.called_aet, i.peer_address
FROM instances i
JOIN series se ON se.series_pk = i.series_pk
JOIN studies st ON st.study_pk = se.study_pk
JOIN patients p ON p.patient_pk = st.patient_pk;

CREATE VIEW study_summary AS
SELECT p.patient_id, p.patient_name,
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

CREATE VIEW series_summary AS
SELECT p.patient_id, st.study_instance_uid, st.study_date,
       se.series_instance_uid, se.modality, se.series_number, se.series_description,
       se.body_part_examined, se.series_date, se.manufacturer, se.institution_name,
       se.station_name,
       count(i.instance_pk) AS instance_count,
       coalesce(sum(i.size_bytes), 0) AS total_bytes,
       min(i.received_at) AS first_received,
       max(i.received_at) AS last_received,
       se.series_pk, st.study_pk, p.patient_pk
FROM series se
JOIN studies st ON st.study_pk = se.study_pk
JOIN patients p ON p.patient_pk = st.patient_pk
LEFT JOIN instances i ON i.series_pk = se.series_pk
GROUP BY se.series_pk;

-- The top-level attributes of every header, one row each (PS3.18 F.2 JSON).
-- value: the first value; DS/IS as numbers, PN as its Alphabetic group (else
-- Ideographic, Phonetic), inline binary as base64, NULL for sequences, bulk
-- data and empty attributes. value_count: the number of values (items for
-- SQ, 1 for binary, 0 when empty).
CREATE VIEW tags AS
SELECT i.sop_instance_uid,
       e.key AS tag,
       coalesce(d.keyword, r.keyword) AS keyword,
       json_extract(e.value, '$.vr') AS vr,
       CASE
         WHEN json_extract(e.value, '$.vr') = 'SQ' THEN NULL
         WHEN json_extract(e.value, '$.vr') = 'PN' THEN
           coalesce(json_extract(e.value, '$.Value[0].Alphabetic'),
                    json_extract(e.value, '$.Value[0].Ideographic'),
                    json_extract(e.value, '$.Value[0].Phonetic'))
         WHEN json_extract(e.value, '$.vr') IN ('DS', 'IS')
              AND json_type(e.value, '$.Value[0]') = 'text' THEN
           CAST(trim(json_extract(e.value, '$.Value[0]')) AS NUMERIC)
         WHEN json_type(e.value, '$.Value') = 'array' THEN json_extract(e.value, '$.Value[0]')
         ELSE json_extract(e.value, '$.InlineBinary')
       END AS value,
       CASE
         WHEN json_type(e.value, '$.Value') = 'array' THEN json_array_length(e.value, '$.Value')
         WHEN json_type(e.value, '$.InlineBinary') IS NOT NULL
              OR json_type(e.value, '$.BulkDataURI') IS NOT NULL THEN 1
         ELSE 0
       END AS value_count,
       i.instance_pk
FROM instances i
JOIN headers h ON h.instance_pk = i.instance_pk
JOIN json_each(h.json) e
LEFT JOIN dicom_dictionary d ON d.tag = e.key
LEFT JOIN dicom_dictionary r
       ON r.tag = substr(e.key, 1, 2) || 'xx' || substr(e.key, 5)
      AND d.tag IS NULL
      AND substr(e.key, 1, 2) IN ('50', '60', '7F')
      AND substr(e.key, 4, 1) IN ('0', '2', '4', '6', '8', 'A', 'C', 'E');

CREATE VIEW thumbnail_images AS
SELECT i.sop_instance_uid, t.status, t.width, t.height, t.png, i.instance_pk
FROM thumbnails t
JOIN instances i ON i.instance_pk = t.instance_pk;
)sql";

// Version 8: Timezone Offset From UTC (0008,0201) becomes a typed column of
// the study (attribute_table.h), which every QIDO-RS study search returns
// (PS3.18 Table 10.6.3-3) and which was read from a header row per study.
// Each study gets the value of its most recent instance that has one, as the
// writer keeps it: the attribute's values '\'-joined (PS3.5 6.4), NULL when
// none. One pass over the headers; instr() skips, without parsing, the
// headers that lack the key (SqliteDialect::JsonAttributeIfPresent), and
// CROSS JOIN keeps that scan outermost; the value is read from the row of
// max(instance_pk) (SQLite's bare columns of a max() aggregate).
constexpr const char* kTimezoneOffsetColumn = R"sql(
ALTER TABLE studies ADD COLUMN timezone_offset_from_utc TEXT;
UPDATE studies SET timezone_offset_from_utc = newest.value
FROM (SELECT se.study_pk,
             (SELECT nullif(group_concat(v.value, '\'), '')
              FROM json_each(h.json, '$."00080201".Value') v) AS value,
             max(h.instance_pk)
      FROM headers h CROSS JOIN instances i ON i.instance_pk = h.instance_pk
      CROSS JOIN series se ON se.series_pk = i.series_pk
      WHERE instr(h.json, '"00080201"') > 0 AND value IS NOT NULL
      GROUP BY se.study_pk) AS newest
WHERE studies.study_pk = newest.study_pk;
)sql";

// Version 9, with the study's copy of its patient's identity: an index of
// studies by date that covers a study-level answer (the typed columns of
// `studies` as version 9 has them, the counts and Modalities in Study; the
// row's key is in every index entry), so that a C-FIND of a date range
// reads the index's run of entries and no table row per match
// (bench/README.md "Patient ID on the study"). studies_date stays for the
// searches that need the keys alone (a QIDO-RS page's window, sql_plan.cpp),
// which read fewer pages through it. A column added later is read from the
// row, the index then serving the range only.
constexpr const char* kStudyAnswerByDateIndex = R"sql(
CREATE INDEX studies_date_answer ON studies(study_date, study_time, accession_number,
  modalities_in_study, referring_physician_name, study_description, study_id,
  study_instance_uid, patient_name, patient_id, issuer_of_patient_id, patient_birth_date,
  patient_sex, number_of_series, number_of_instances, timezone_offset_from_utc);
)sql";

// Migrations in order: entry k moves the schema from version k to k+1. The
// version number of a file is the count of entries applied to it, kept in
// PRAGMA user_version; this list is the only place that knows it.
const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> migrations = {
      kSchemaV1,
      std::string(kSchemaV2) + DicomDictionaryInserts(),
      // Version 3: the C-FIND computed keys of each study (study_counts.h).
      StudyCountsMigration(),
      // Version 4: patient identity (patient_identity.h).
      PatientIdentityMigration(),
      // Version 5: Modalities in Study '\'-separated (study_counts.h).
      ModalitiesSeparatorMigration(),
      // Version 6: each study's own patient attributes (patient_identity.h).
      StudyPatientAttributesMigration(),
      // Version 7: studies retention and recycling never remove
      // (catalog/reconcile/recycler.h; `pixeldex protect`).
      "CREATE TABLE protected_studies (\n"
      "  study_instance_uid  TEXT PRIMARY KEY,\n"
      "  protected_at        TEXT NOT NULL,  -- ISO 8601 UTC\n"
      "  reason              TEXT\n"
      ") WITHOUT ROWID;",
      kTimezoneOffsetColumn,
      // Version 9: each study's copy of its patient's identity
      // (patient_identity.h), and the study answer in the date index.
      StudyPatientIdentityMigration() + kStudyAnswerByDateIndex,
  };
  return migrations;
}

Result<int> ReadUserVersion(Db& db) {
  auto stmt = db.Prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.status();
  if (!stmt->Step()) return db.LastError("reading schema version");
  return static_cast<int>(stmt->Int(0));
}

Result<int64_t> CountForeignKeyViolations(Db& db) {
  auto stmt = db.Prepare("SELECT count(*) FROM pragma_foreign_key_check");
  if (!stmt.ok()) return stmt.status();
  if (!stmt->Step()) return db.LastError("checking foreign keys");
  return stmt->Int(0);
}

// A migration must not leave a row without its parent (foreign keys are off
// while it runs); rows a person broke before are not its business.
Status CheckForeignKeys(Db& db, int64_t violations_before) {
  auto violations = CountForeignKeyViolations(db);
  if (!violations.ok()) return violations.status();
  if (*violations > violations_before) {
    return Status::Corruption(std::to_string(*violations - violations_before) +
                              " rows lost their parent row");
  }
  return Status::Ok();
}

}  // namespace

int CurrentSchemaVersion() { return static_cast<int>(Migrations().size()); }

Status PrepareForWriting(Db& db) { return PrepareForWriting(db, CurrentSchemaVersion()); }

Status PrepareForWriting(Db& db, int target_version) {
  if (target_version > CurrentSchemaVersion()) {
    return Status::InvalidArgument("no schema version " + std::to_string(target_version));
  }
  // WAL: readers (sqlite3 shell, C-FIND) never block the writer. FULL: a
  // committed transaction survives power loss, which a C-STORE success needs.
  // temp_store=MEMORY: the statement journals of the writer's per-record
  // savepoints stay in memory instead of temporary files (each record's
  // header and thumbnail pages were written there once more, by syscall).
  // Foreign keys are off while migrations rebuild tables (SQLite ignores the
  // pragma inside a transaction), checked before COMMIT, and on afterwards.
  // journal_size_limit: once a checkpoint has caught up, the WAL file is cut
  // back to kWalSizeLimitBytes; without it, a WAL a long reader made grow
  // (writes pile up behind its snapshot) keeps its largest size for good.
  PIXELDEX_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                   "PRAGMA foreign_keys=OFF; PRAGMA temp_store=MEMORY; "
                                   "PRAGMA journal_size_limit=" +
                                   std::to_string(kWalSizeLimitBytes) + ";"));
  PIXELDEX_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  auto version = ReadUserVersion(db);
  if (!version.ok()) {
    (void)db.Exec("ROLLBACK");  // failing anyway, with the reason below
    return version.status();
  }
  if (*version > CurrentSchemaVersion()) {
    (void)db.Exec("ROLLBACK");  // failing anyway, with the reason below
    return Status::Unsupported("index schema version " + std::to_string(*version) +
                               " is newer than this pixeldex understands (" +
                               std::to_string(CurrentSchemaVersion()) + ")");
  }
  int64_t violations_before = 0;
  if (*version < target_version) {
    auto counted = CountForeignKeyViolations(db);
    if (!counted.ok()) {
      (void)db.Exec("ROLLBACK");  // failing anyway, with the reason below
      return counted.status();
    }
    violations_before = *counted;
  }
  for (int v = *version; v < target_version; ++v) {
    Status s = db.Exec(Migrations()[v]);
    if (s.ok()) s = db.Exec("PRAGMA user_version=" + std::to_string(v + 1));
    if (s.ok()) s = CheckForeignKeys(db, violations_before);
    if (!s.ok()) {
      (void)db.Exec("ROLLBACK");  // failing anyway, with the reason below
      return Status::Internal("schema migration to version " + std::to_string(v + 1) +
                              " failed: " + s.message());
    }
  }
  PIXELDEX_RETURN_IF_ERROR(db.Exec("COMMIT"));
  return db.Exec("PRAGMA foreign_keys=ON");
}

Status PrepareForReading(Db& db) {
  // A 32 MiB page cache per reader: range queries over a large index touch
  // thousands of pages, and readers are kept for a whole association.
  return db.Exec("PRAGMA foreign_keys=ON; PRAGMA query_only=ON; PRAGMA cache_size=-32768;");
}

}  // namespace pixeldex::index
