#pragma once
// The stored file of an instance a WADO-RS resource names, found through the
// index only (never a path built from the URL): the recorded path checked by
// StorageLayout::CheckRecordedPath, then required to be a regular file (not
// a symbolic link) of the size the index records. Stateless.

#include <filesystem>

#include "catalog/common/result.h"
#include "catalog/query/instance_reads.h"

namespace pixeldex::server {

// NotFound when the file is missing; Corruption when it is not a regular
// file or has another size; InvalidArgument for a path that leaves the root.
Result<std::filesystem::path> StoredFilePath(const std::filesystem::path& storage_root,
                                             const query::StoredFile& stored);

}  // namespace pixeldex::server
