#pragma once
// Placing one exported file below the output folder durably and atomically:
// the content is written to "<name>.partial", fsynced, renamed to its name,
// and the directory fsynced. So a file with its final name is always complete,
// and an export that was interrupted can be run again and skip it (resume).
// Directories below the output folder are created as needed; a symbolic link
// met on the way is refused (nothing is written through it). Every durable
// step goes through the storage::FileSystem seam, so tests can fail each one.
// Stateless.

#include <filesystem>
#include <functional>
#include <string>

#include "catalog/common/status.h"
#include "catalog/storage/file_system.h"

namespace pixeldex::exporting {

// Writes the content to a new file at the given path (which does not exist).
using ContentWriter = std::function<Status(const std::string& path)>;

// True when `root`/`relative` is a regular file (complete, by the rule above).
bool IsExportComplete(const std::filesystem::path& root, const std::string& relative);

// Creates `root`/`relative` with what `write` writes. Errors: kIoError /
// kResourceExhausted naming the file, kInvalidArgument for a symbolic link on
// the way, or what `write` returned; on error no file has the final name.
Status PlaceExportFile(storage::FileSystem& file_system, const std::filesystem::path& root,
                       const std::string& relative, const ContentWriter& write);

}  // namespace pixeldex::exporting
