// The cases of export_dicomdir_cases.h on a SQLite index.

#include "tests/export/export_dicomdir_cases.h"

namespace pixeldex::testing {

INSTANTIATE_TEST_SUITE_P(Sqlite, ExportDicomDirTest, ::testing::Values(IndexKind::kSqlite));

}  // namespace pixeldex::testing
