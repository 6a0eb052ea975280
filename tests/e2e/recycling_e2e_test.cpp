// The archive size limit, recycling and retention end to end on a SQLite
// index (recycling_cases.h).

#include "tests/e2e/recycling_cases.h"

namespace pixeldex::testing {

INSTANTIATE_TEST_SUITE_P(Sqlite, SizeLimitE2eTest, ::testing::Values(IndexKind::kSqlite));
INSTANTIATE_TEST_SUITE_P(Sqlite, RecyclingE2eTest, ::testing::Values(IndexKind::kSqlite));
INSTANTIATE_TEST_SUITE_P(Sqlite, RetentionTimerE2eTest, ::testing::Values(IndexKind::kSqlite));

}  // namespace pixeldex::testing
