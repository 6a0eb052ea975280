// The cases of export_dciodvfy_cases.h on a SQLite index.

#include "tests/export/export_dciodvfy_cases.h"

namespace pixeldex::testing {

INSTANTIATE_TEST_SUITE_P(Sqlite, DciodvfyTest, ::testing::Values(IndexKind::kSqlite));

}  // namespace pixeldex::testing
