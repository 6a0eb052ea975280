#pragma once
// Result formatters for `pixeldex query`: RowSinks that write a query result
// to a stream as an aligned table (for people), CSV (RFC 4180 quoting, for
// spreadsheets), a JSON array of objects, or JSON Lines (one object per line,
// for pipelines). Column order is the query's; values keep their SQLite type:
//
//   value   table          csv              json / jsonl
//   NULL    (empty)        (empty)          null
//   integer 42             42               42
//   real    2.5, 2.0       2.5, 2.0         2.5, 2.0 (non-finite: null)
//   text    as is*         quoted if needed "escaped" (invalid UTF-8 -> U+FFFD)
//   blob    <blob N bytes> <blob N bytes>   "base64"
//
// * in tables, newline, carriage return and tab are shown as \n, \r, \t.
// In CSV an empty string is written "" so that it differs from NULL.
// The table buffers the whole result (to align it); the others stream.

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "catalog/common/result.h"
#include "catalog/index/sql_query.h"

namespace pixeldex::index {

enum class OutputFormat { kTable, kCsv, kJson, kJsonl };

// "table", "csv", "json" or "jsonl"; InvalidArgument otherwise.
Result<OutputFormat> ParseOutputFormat(std::string_view name);

// A sink writing `format` to `out`, which must outlive it. Write errors on
// `out` are reported as kIoError by the sink's End (or an earlier call).
std::unique_ptr<RowSink> MakeResultFormatter(OutputFormat format, std::ostream& out);

// Standard base64 (RFC 4648 section 4, with padding).
std::string Base64(std::string_view bytes);

}  // namespace pixeldex::index
