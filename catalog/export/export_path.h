#pragma once
// Where an exported instance goes below --out: the one owner of export file
// names. Every component is built from sanitised values, never from raw
// header text, so no value ("..", "a/b", a NUL, 300 characters) can name a
// path outside the output folder:
//
//   storage  <StudyUID>/<SeriesUID>/<SOPInstanceUID>.dcm   (the archive's own layout)
//   tree     <PatientID>/<StudyUID>/<SeriesUID>/<SOPInstanceUID>.dcm
//   fileset  DICOM/P<id>/S<id>/R<id>/I<id>   (for a DICOMDIR, `--dicomdir`)
//
// The fileset layout uses DICOM File IDs (PS3.10 8.2, PS3.11 D.3.2: at most
// 8 characters of A-Z, 0-9 and '_' per component, at most 8 components):
// each <id> is 7 upper-case base-36 digits of the SHA-256 of the Patient ID
// or UID, so a name is the same in every run (an interrupted export
// resumes) and two different values share one only by a collision of 36^7
// (the Exporter refuses the second instance of a colliding name).
//
// UIDs become components as the archive stores them (StorageLayout::
// ComponentFor: path-safe UIDs verbatim, others hashed). A Patient ID keeps
// letters, digits, '-', '_' and '.', other bytes become '_'; a changed,
// empty, "." or ".." value, or one longer than 64 bytes, gets a hash suffix
// so that two different IDs never share a folder. Stateless.

#include <string>
#include <string_view>

#include "catalog/common/result.h"

namespace pixeldex::exporting {

enum class ExportLayout { kStorage, kTree, kFileSet };

// "storage" or "tree" (kFileSet goes with --dicomdir); InvalidArgument otherwise.
Result<ExportLayout> ParseExportLayout(std::string_view name);

// The names that place an instance (already de-identified when exporting so).
struct InstanceNames {
  std::string patient_id, study_uid, series_uid, sop_instance_uid;
};

// The '/'-separated path below --out.
std::string ExportRelativePath(ExportLayout layout, const InstanceNames& names);

// A path component for free text such as a Patient ID (see above).
std::string SafeComponent(std::string_view text);

}  // namespace pixeldex::exporting
