#pragma once
// A stored instance converted to another transfer syntax for a WADO-RS
// retrieve (PS3.18 10.4.1): the file checked (CheckStoredDataSet), loaded,
// converted by ConvertForSending (lossless only) and written as a DICOM file
// (PS3.10, File Meta Information updated) into memory. One instance at a
// time: the caller streams each part before the next is converted.
// Thread-safe for different files.

#include <filesystem>
#include <string>

#include "catalog/common/result.h"

namespace pixeldex::server {

Result<std::string> ReadConverted(const std::filesystem::path& file,
                                  const std::string& transfer_syntax_uid);

}  // namespace pixeldex::server
