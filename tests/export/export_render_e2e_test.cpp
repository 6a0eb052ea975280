// The cases of export_render_cases.h on a SQLite index.

#include "tests/export/export_render_cases.h"

namespace pixeldex::testing {

INSTANTIATE_TEST_SUITE_P(Sqlite, RenderTest, ::testing::Values(IndexKind::kSqlite));

}  // namespace pixeldex::testing
