// The cases of export_to_cases.h on a SQLite index.

#include "tests/export/export_to_cases.h"

namespace pixeldex::testing {

INSTANTIATE_TEST_SUITE_P(Sqlite, ExportToTest, ::testing::Values(IndexKind::kSqlite));

}  // namespace pixeldex::testing
