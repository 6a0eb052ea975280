#pragma once
// Filling a new file in the store's incoming directory, byte for byte: from
// a source file (a copying import) or from bytes in memory (a STOW-RS part).
// The file is not synced: FileStore::Commit() fsyncs it
// before it becomes visible, and an incoming file a crash leaves behind is
// removed on the next start.

#include <string>
#include <string_view>

#include "catalog/common/status.h"

namespace pixeldex::import {

// Creates `to` (which must not exist; mode 0644) with the contents of `from`.
// On failure nothing is left at `to`. Errors are IoError or ResourceExhausted
// (disk full), naming the file.
Status CopyFileContents(const std::string& from, const std::string& to);

// Creates `to` (which must not exist; mode 0644) holding `bytes`, with the
// same guarantees and errors.
Status WriteFileContents(const std::string& to, std::string_view bytes);

}  // namespace pixeldex::import
