#pragma once
// Copying a source file into the store's incoming directory, byte for byte,
// for a copying import. The copy is not synced: FileStore::Commit() fsyncs it
// before it becomes visible, and an incoming file a crash leaves behind is
// removed on the next start.

#include <string>

#include "catalog/common/status.h"

namespace pixeldex::import {

// Creates `to` (which must not exist; mode 0644) with the contents of `from`.
// On failure nothing is left at `to`. Errors are IoError or ResourceExhausted
// (disk full), naming the file.
Status CopyFileContents(const std::string& from, const std::string& to);

}  // namespace pixeldex::import
