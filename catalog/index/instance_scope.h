#pragma once
// The instances a WADO-RS resource names (PS3.18 10.4.1): those of a study, of
// one series of it, or one instance of that series, selected with bound
// parameters from the studies, series and instances tables (aliases st, se,
// i), in series and instance order. Shared by the header reader (metadata)
// and the stored-file lister (retrieve). Not thread-safe (one Db per thread).

#include <string>

#include "catalog/common/result.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {

struct InstanceScope {
  std::string study;
  std::string series;        // empty: the whole study
  std::string sop_instance;  // empty: the whole series (or study)
};

// SELECT `columns` FROM the three tables `joins` WHERE the scope, ordered.
Result<Statement> PrepareInScope(Db& db, const std::string& columns, const std::string& joins,
                                 const InstanceScope& scope);

}  // namespace pixeldex::index
