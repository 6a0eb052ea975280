#pragma once
// How the server loads a stored file it answers from (WADO-RS resources,
// C-GET/C-MOVE sub-operations): DCMTK reads the file's structure, and values
// longer than 4 KiB stay on disk until they are read or sent (DCMTK's
// maxReadLength), so a large Pixel Data element costs no memory until then.
// The caller checks the file first (metadata::CheckStoredDataSet).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <filesystem>

namespace pixeldex::server {

inline OFCondition LoadLeavingLargeValuesOnDisk(const std::filesystem::path& path,
                                                DcmFileFormat& file) {
  constexpr Uint32 kMaxReadLength = 4096;
  return file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kMaxReadLength, ERM_autoDetect);
}

}  // namespace pixeldex::server
