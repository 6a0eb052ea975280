#pragma once
// The index the SQL case files (tests/sql/cases/*.test) query: two patients,
// three studies, five series and six instances written through IndexWriter
// (so the rows are exactly what ingest produces), with DICOM JSON headers
// covering numbers, numeric strings, PN groups, sequences, bulk data,
// repeating-group and private tags; two thumbnails; and rows in the
// associations and events tables, which the server fills. The case files
// describe the data in their comments; sql_fixture.cpp is the truth.

#include <string>

namespace pixeldex::sqltest {

// Creates the fixture index at `path` (which must not exist). Throws
// std::runtime_error on failure.
void BuildSqlFixture(const std::string& path);

}  // namespace pixeldex::sqltest
