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

#include <cstdint>
#include <optional>
#include <string>

namespace pixeldex {

struct PatientKeys {
  std::string patient_id;          // (0010,0020)
  std::string issuer_of_patient_id;  // (0010,0021)
  std::string patient_name;        // (0010,0010), PN as stored, e.g. "Doe^John"
  std::string birth_date;          // (0010,0030)
  std::string sex;                 // (0010,0040)
};

struct StudyKeys {
  std::string study_instance_uid;  // (0020,000D)
  std::string study_date;          // (0008,0020)
  std::string study_time;          // (0008,0030)
  std::string accession_number;    // (0008,0050)
  std::string study_id;            // (0020,0010)
  std::string study_description;   // (0008,1030)
  std::string referring_physician_name;  // (0008,0090)
};

struct SeriesKeys {
  std::string series_instance_uid;  // (0020,000E)
  std::string modality;             // (0008,0060)
  std::optional<int64_t> series_number;  // (0020,0011)
  std::string series_description;   // (0008,103E)
  std::string body_part_examined;   // (0018,0015)
  std::string series_date;          // (0008,0021)
  std::string series_time;          // (0008,0031)
  std::string manufacturer;         // (0008,0070)
  std::string institution_name;     // (0008,0080)
  std::string station_name;         // (0008,1010)
};

struct InstanceKeys {
  std::string sop_instance_uid;     // (0008,0018)
  std::string sop_class_uid;        // (0008,0016)
  std::optional<int64_t> instance_number;  // (0020,0013)
  std::string transfer_syntax_uid;  // (0002,0010) of the stored file
  std::optional<int64_t> rows;      // (0028,0010)
  std::optional<int64_t> columns;   // (0028,0011)
  std::optional<int64_t> number_of_frames;  // (0028,0008)
  std::string content_date;         // (0008,0023)
  std::string content_time;         // (0008,0033)
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
  std::string source;        // "network", "import" or "reconcile"
  std::string calling_aet;   // empty for imports
  std::string called_aet;
  std::string peer_address;  // "host:port", empty for imports
};

// The PNG thumbnail, or why there is none. Status is "ok", "no_pixel_data",
// "unsupported_syntax", "disabled" or "decode_error: <reason>".
struct ThumbnailRecord {
  std::string status;
  int width = 0;
  int height = 0;
  std::string png;  // bytes; empty unless status == "ok"
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
