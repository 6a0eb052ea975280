#pragma once
// BulkLoadSqlite: writes the synthetic archive of synthetic_archive.h into a
// new SQLite index file at load speed, for 10,000,000 instances: the schema
// comes from the server's migrations (schema.h) and every row from the
// writer's own statements (RecordStatements, so the rows, triggers and
// study counts are the ones IndexWriter would write), but on one connection
// in transactions of `transaction_rows` records, without the writer's
// per-record savepoints, replace lookups and WAL fsyncs (journal_mode=OFF,
// synchronous=OFF: a crash mid-load leaves a file to delete, which is fine
// for a generator and for nothing else). The secondary indexes the study
// count triggers do not read are dropped before the load and created again
// from their own SQL after it (one sorted build instead of 10M random
// inserts each); the file ends in WAL mode, as the server opens it.
//
// Progress goes to `progress` every 100,000 instances (instances, seconds,
// rate), so a build that cannot finish still says how far it got.

#include <cstdint>
#include <cstdio>
#include <string>

#include "bench/find_bench/synthetic_archive.h"
#include "catalog/common/status.h"

namespace pixeldex::bench {

struct BulkLoadOptions {
  int64_t transaction_rows = 200000;  // records per transaction
  int64_t cache_mib = 1024;           // the loading connection's page cache
};

Status BulkLoadSqlite(const SyntheticArchive& archive, const std::string& path,
                      const BulkLoadOptions& options, std::FILE* progress);

}  // namespace pixeldex::bench
