// The cases of export_clean_descriptors_cases.h on a SQLite index.

#include "tests/export/export_clean_descriptors_cases.h"

namespace pixeldex::testing {

INSTANTIATE_TEST_SUITE_P(Sqlite, CleanDescriptorsTest, ::testing::Values(IndexKind::kSqlite));

}  // namespace pixeldex::testing
