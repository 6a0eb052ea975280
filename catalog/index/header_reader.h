#pragma once
// Reads the stored DICOM JSON headers (the `headers` table) of the instances
// of a study, a series of it, or one instance of that series, in series and
// instance order, for WADO-RS metadata (PS3.18 10.4.1.1.2): no file is
// opened. Bound parameters only. Not thread-safe (one Db per thread).

#include <functional>
#include <string>
#include <string_view>

#include "catalog/common/result.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {

// `series` and `sop_instance` may be empty (the whole study / series). Calls
// `on_header` with each header's JSON object; returns how many there were.
Result<size_t> ForEachHeader(Db& db, const std::string& study, const std::string& series,
                             const std::string& sop_instance,
                             const std::function<void(std::string_view json)>& on_header);

}  // namespace pixeldex::index
