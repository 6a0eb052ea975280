// `pixeldex delete`, `protect` and `unprotect` end to end on a SQLite index
// (delete_cases.h).

#include "tests/export/delete_cases.h"

namespace pixeldex::testing {

INSTANTIATE_TEST_SUITE_P(Sqlite, DeleteTest, ::testing::Values(IndexKind::kSqlite));
INSTANTIATE_TEST_SUITE_P(Sqlite, ProtectedDeleteTest, ::testing::Values(IndexKind::kSqlite));

}  // namespace pixeldex::testing
