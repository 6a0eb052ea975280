#pragma once
// Reads the stored DICOM JSON headers (the `headers` table) of the instances
// of a study, a series of it, or one instance of that series, in series and
// instance order, for WADO-RS metadata (PS3.18 10.4.1.1.2): no file is
// opened. Bound parameters only. Not thread-safe (one Db per thread).

#include <functional>
#include <string>
#include <string_view>

#include "catalog/common/result.h"
#include "catalog/index/instance_scope.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {

// Views into the current row: valid during the callback only.
struct StoredHeader {
  std::string_view series_uid;
  std::string_view sop_instance_uid;
  std::string_view json;
};

// How many headers `scope` has and their bytes in all, to size an answer
// before it is built (one query, the stored texts are not read).
struct HeadersSize {
  size_t count = 0;
  size_t bytes = 0;
};
Result<HeadersSize> SizeOfHeaders(Db& db, const InstanceScope& scope);

// Calls `on_header` with each header of `scope`; returns how many there were.
Result<size_t> ForEachHeader(Db& db, const InstanceScope& scope,
                             const std::function<void(const StoredHeader& header)>& on_header);

}  // namespace pixeldex::index
