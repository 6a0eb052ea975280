// Inline thumbnails, `pixeldex thumbnail` and `pixeldex thumbnails` end to
// end on a SQLite index (thumbnail_cases.h).

#include "tests/e2e/thumbnail_cases.h"

namespace pixeldex::testing::thumbnail_cases {

INSTANTIATE_TEST_SUITE_P(Sqlite, ThumbnailE2eTest, ::testing::Values(IndexKind::kSqlite));
INSTANTIATE_TEST_SUITE_P(Sqlite, NoThumbnailsE2eTest, ::testing::Values(IndexKind::kSqlite));

}  // namespace pixeldex::testing::thumbnail_cases
