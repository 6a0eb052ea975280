#pragma once
// The ArchiveReads (archive_reads.h) of the index storage.index names: the
// PostgreSQL database of a postgresql:// URI (pg_archive_reads.h), else the
// SQLite file at that path. What import and reconcile open, so that neither
// knows which backend the archive uses.

#include <memory>
#include <string>

#include "catalog/common/result.h"
#include "catalog/index/archive_reads.h"

namespace pixeldex::index {

Result<std::unique_ptr<ArchiveReads>> OpenArchiveReads(const std::string& index_location);

}  // namespace pixeldex::index
