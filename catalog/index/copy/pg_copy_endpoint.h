#pragma once
// A PostgreSQL index database as one side of `pixeldex index copy`
// (copy_endpoint.h). As a source it is read in one REPEATABLE READ, READ
// ONLY transaction (PostgreSQL documentation 13.2.2: every statement sees
// the snapshot of the first), a table in pages of its key (keyset
// pagination, so no page costs more than the one before); it must be at the
// schema version this build writes. As a destination it is migrated
// (pg_schema.h) and written in one transaction by multi-row INSERTs with
// bound parameters: jsonb and bytea cast from text and binary parameters,
// never spliced into the SQL. The URI appears only redacted (pg_uri.h).

#include <memory>
#include <string>

#include "catalog/index/copy/copy_endpoint.h"

namespace pixeldex::index::copy {

// Both roles connect the same way; PrepareSource and PrepareDestination differ.
Result<std::unique_ptr<IndexEndpoint>> OpenPostgresEndpoint(const std::string& uri);

}  // namespace pixeldex::index::copy
