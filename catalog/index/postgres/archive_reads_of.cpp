#include "catalog/index/postgres/archive_reads_of.h"

#include "catalog/index/postgres/pg_archive_reads.h"
#include "catalog/index/postgres/pg_uri.h"

namespace pixeldex::index {

Result<std::unique_ptr<ArchiveReads>> OpenArchiveReads(const std::string& index_location) {
  if (postgres::IsPostgresUri(index_location)) return postgres::OpenPgArchiveReads(index_location);
  return OpenSqliteArchiveReads(index_location);
}

}  // namespace pixeldex::index
