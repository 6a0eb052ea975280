#pragma once
// The SQLite index file as one side of `pixeldex index copy`
// (copy_endpoint.h). As a source it is opened read-only and must be at the
// schema version this build writes; as a destination it is created when
// missing and migrated (schema.h), and written in one BEGIN IMMEDIATE
// transaction with one prepared INSERT per table.

#include <memory>
#include <string>

#include "catalog/index/copy/copy_endpoint.h"

namespace pixeldex::index::copy {

enum class EndpointRole { kSource, kDestination };

Result<std::unique_ptr<IndexEndpoint>> OpenSqliteEndpoint(const std::string& path,
                                                          EndpointRole role);

}  // namespace pixeldex::index::copy
