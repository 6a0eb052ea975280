// The cases of export_cases.h on a SQLite index.

#include "tests/export/export_cases.h"

namespace pixeldex::testing {

INSTANTIATE_TEST_SUITE_P(Sqlite, ExportTest, ::testing::Values(IndexKind::kSqlite));

}  // namespace pixeldex::testing
