#pragma once
// The DICOMDIR of an export (`pixeldex export --dicomdir`): the Media
// Storage Directory (PS3.3 F.2, PS3.10 8.5) of the General Purpose CD-R
// Interchange profile STD-GEN-CD (PS3.11 D.2), written by DCMTK's
// DicomDirInterface into the root of the exported file set, referencing
// every exported file by its File ID (the fileset layout, export_path.h).
// DCMTK checks each file against the profile: STD-GEN-CD allows only the
// Explicit VR Little Endian transfer syntax (PS3.11 D.3.2), so a file
// stored in another (compressed, implicit) syntax stays in the export but
// is not referenced, and is reported. Type 1 record attributes a file lacks
// (a de-identified Study ID, say) are invented by DCMTK's invent mode, in
// the DICOMDIR records only; the files are never changed. The DICOMDIR is
// rewritten whole from the export's files on every run (so a resumed export
// lists the files of earlier runs too). Stateless.

#include <filesystem>
#include <string>
#include <vector>

#include "catalog/common/status.h"

namespace pixeldex::exporting {

inline constexpr const char* kDicomDirName = "DICOMDIR";

// Writes `out`/DICOMDIR referencing `files` (relative to `out`, '/'-separated
// File IDs). Each file DCMTK refuses is added to `refused` as "<file>:
// <reason>". Errors: the DICOMDIR cannot be created or written.
Status WriteDicomDir(const std::filesystem::path& out, const std::vector<std::string>& files,
                     std::vector<std::string>* refused);

}  // namespace pixeldex::exporting
