// The cases of export_deidentify_cases.h on a SQLite index.

#include "tests/export/export_deidentify_cases.h"

namespace pixeldex::testing {

INSTANTIATE_TEST_SUITE_P(Sqlite, DeidentifyTest, ::testing::Values(IndexKind::kSqlite));
INSTANTIATE_TEST_SUITE_P(Sqlite, DeidentifyEncapsulatedTest, ::testing::Values(IndexKind::kSqlite));

}  // namespace pixeldex::testing
