#pragma once
// WritePostgresCopy: the synthetic archive of synthetic_archive.h as the
// rows of a PostgreSQL index, in the text format of COPY ... FROM STDIN
// (PostgreSQL documentation, SQL command reference, COPY, "Text Format"),
// for psql to load: the same rows IndexWriter would write for the same
// records (typed columns from the attribute table, the file and provenance
// columns, the header JSON, each study's counts and Modalities in Study),
// with the keys numbered from 1 in archive order, so that 10,000,000
// instances go in at COPY's speed instead of one transaction per batch.
//
// The stream is a psql script for a database whose schema pixeldex made and
// that holds no rows yet: one transaction that empties the five tables
// (TRUNCATE in the same transaction lets wal_level=minimal skip the WAL of
// the load), sets session_replication_role to replica (superuser: the
// study count triggers and the foreign key checks stay off; the counts are
// in the rows), copies patients, studies, series, instances and headers
// frozen (COPY FREEZE, allowed into a table emptied in the same
// transaction: rows visible to all and pages marked all-visible, so neither
// the first reads nor a vacuum rewrite them), and moves the identity
// sequences past the keys. Indexes are the caller's
// business (bench/lib.sh drops and remakes the secondary ones around it).

#include <cstdio>

#include "bench/find_bench/synthetic_archive.h"

namespace pixeldex::bench {

// Writes the whole script to `out`; false when a write failed.
bool WritePostgresCopy(const SyntheticArchive& archive, std::FILE* out);

}  // namespace pixeldex::bench
