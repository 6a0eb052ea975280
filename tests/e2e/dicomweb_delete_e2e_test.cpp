// DICOMweb DELETE end to end on a SQLite index (dicomweb_delete_cases.h).

#include "tests/e2e/dicomweb_delete_cases.h"

namespace pixeldex::testing {

INSTANTIATE_TEST_SUITE_P(Sqlite, DicomwebDeleteE2eTest, ::testing::Values(IndexKind::kSqlite));
INSTANTIATE_TEST_SUITE_P(Sqlite, DicomwebDeleteProtectedE2eTest,
                         ::testing::Values(IndexKind::kSqlite));

}  // namespace pixeldex::testing
