#pragma once
// InstanceRecord: everything the catalog knows about one stored DICOM instance,
// in the project's own plain types. catalog/metadata fills the DICOM parts,
// catalog/storage the file facts, catalog/thumbnail the thumbnail, and
// catalog/index writes it as rows. No DCMTK or SQLite type appears here.
//
// Text values are the DICOM values as stored (trailing padding removed,
// converted to UTF-8 when the dataset declared another character set). Dates
// and times keep their DICOM form (YYYYMMDD, HHMMSS.FFFFFF) so that range
// matching compares them as strings.
//
// The members of the four *Keys structs are the typed attributes; which DICOM
// attribute each carries (tag, VR, column) is listed once, in
// attribute_table.h. Transfer syntax and character set are the exceptions
// noted there.

#include <cstdint>
#include <optional>
#include <string>

#include "catalog/common/provenance_source.h"
#include "catalog/common/thumbnail_status.h"

namespace pixeldex {

struct PatientKeys {
  std::string patient_id;
  std::string issuer_of_patient_id;
  std::string patient_name;  // PN as stored, e.g. "Doe^John"
  std::string birth_date;
  std::string sex;
};

struct StudyKeys {
  std::string study_instance_uid;
  std::string study_date;
  std::string study_time;
  std::string accession_number;
  std::string study_id;
  std::string study_description;
  std::string referring_physician_name;
  std::string timezone_offset_from_utc;  // e.g. "+0100" (PS3.3 Table C.12-1)
};

struct SeriesKeys {
  std::string series_instance_uid;
  std::string modality;
  std::optional<int64_t> series_number;
  std::string series_description;
  std::string body_part_examined;
  std::string series_date;
  std::string series_time;
  std::string manufacturer;
  std::string institution_name;
  std::string station_name;
};

struct InstanceKeys {
  std::string sop_instance_uid;
  std::string sop_class_uid;
  std::optional<int64_t> instance_number;
  std::string transfer_syntax_uid;     // (0002,0010) of the stored file
  std::optional<int64_t> rows;
  std::optional<int64_t> columns;
  std::optional<int64_t> number_of_frames;
  std::string content_date;
  std::string content_time;
  std::string specific_character_set;  // (0008,0005) as received
};

// Facts about the stored file.
struct FileFacts {
  std::string relative_path;  // below the storage root, '/'-separated
  int64_t size_bytes = 0;
  std::string sha256;         // lowercase hex of the whole file
  std::string received_at;    // ISO 8601 UTC, e.g. 2026-11-25T10:00:00.123Z
  std::string file_mtime;     // ISO 8601 UTC of the stored file
};

// Who delivered the instance, and how.
struct Provenance {
  ProvenanceSource source = ProvenanceSource::kNetwork;  // how it came in
  std::string calling_aet;   // empty for imports
  std::string called_aet;
  std::string peer_address;  // "host:port", empty for imports
};

// The PNG thumbnail, or why there is none (thumbnail_status.h).
struct ThumbnailRecord {
  ThumbnailStatus status = ThumbnailStatus::kOk;
  std::string reason;  // kDecodeError: what went wrong
  int width = 0;
  int height = 0;
  std::string png;  // bytes; empty unless status is kOk
};

struct InstanceRecord {
  PatientKeys patient;
  StudyKeys study;
  SeriesKeys series;
  InstanceKeys instance;
  std::string header_json;  // the dataset as DICOM JSON (PS3.18 F.2), bulk data by URI
  FileFacts file;
  Provenance provenance;
  std::optional<ThumbnailRecord> thumbnail;  // absent: leave any existing one
};

}  // namespace pixeldex
