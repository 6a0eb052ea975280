#pragma once
// Filling a new file in the store's incoming directory, byte for byte: from
// a source file (a copying import) or from bytes in memory (a STOW-RS part,
// or a source file read whole by ReadFileUpTo).
// The file is not synced: FileStore::Commit() fsyncs it
// before it becomes visible, and an incoming file a crash leaves behind is
// removed on the next start.

#include <cstddef>
#include <string>
#include <string_view>

#include "catalog/common/result.h"

namespace pixeldex::import {

// Creates `to` (which must not exist; mode 0644) with the contents of `from`.
// On failure nothing is left at `to`. Errors are IoError or ResourceExhausted
// (disk full), naming the file.
Status CopyFileContents(const std::string& from, const std::string& to);

// Creates `to` (which must not exist; mode 0644) holding `bytes`, with the
// same guarantees and errors.
Status WriteFileContents(const std::string& to, std::string_view bytes);

// Reads all of `from` into `bytes` (resized to the file's length; a buffer
// reused across files is not filled first) when the file holds at most
// `limit` bytes: true. False, `bytes` unspecified, when it holds more.
// Errors are IoError naming the file.
Result<bool> ReadFileUpTo(const std::string& from, size_t limit, std::string& bytes);

}  // namespace pixeldex::import
