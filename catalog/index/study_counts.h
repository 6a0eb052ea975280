#pragma once
// The per-study values of the C-FIND computed keys Number of Study Related
// Series / Instances and Modalities in Study (PS3.4 C.6.2.1.2), kept in the
// study's row (`studies.number_of_series`, `number_of_instances`,
// `modalities_in_study`) by SQLite triggers, so that every writer (pixeldex,
// or a person with sqlite3) keeps them right and a study query reads them
// instead of counting the rows below each matching study. This file holds
// the schema migrations that create and change those triggers.

#include <string>

namespace pixeldex::index {

// Version 2 -> 3: the three columns, their triggers, and the counts of the
// studies already there. modalities_in_study was then ','-separated.
std::string StudyCountsMigration();

// Version 4 -> 5: modalities_in_study becomes what DICOM's multi-valued
// Modalities in Study is (PS3.5 6.4: values separated by '\'), distinct
// and sorted, like the view study_summary's `modalities`; the series
// triggers are recreated to write it so and every study is recounted.
std::string ModalitiesSeparatorMigration();

}  // namespace pixeldex::index
