#include "catalog/index/study_counts.h"

namespace pixeldex::index {
namespace {

constexpr const char* kStudyCountColumns = R"sql(
ALTER TABLE studies ADD COLUMN number_of_series INTEGER NOT NULL DEFAULT 0;
ALTER TABLE studies ADD COLUMN number_of_instances INTEGER NOT NULL DEFAULT 0;
ALTER TABLE studies ADD COLUMN modalities_in_study TEXT;
)sql";

// The distinct modalities of the study's series; NULL when none has one.
// Version 3: ','-separated, in no particular order.
constexpr const char* kCommaModalities =
    "(SELECT group_concat(DISTINCT s.modality) FROM series s"
    " WHERE s.study_pk = studies.study_pk)";
// Version 5: sorted and '\'-separated, as DICOM writes a multi-valued CS
// (the view study_summary's `modalities` is the same expression).
constexpr const char* kBackslashModalities =
    "(SELECT group_concat(modality, '\\') FROM"
    " (SELECT DISTINCT s.modality FROM series s"
    "  WHERE s.study_pk = studies.study_pk AND s.modality IS NOT NULL ORDER BY s.modality))";

// Counts studies again from the rows below them; a WHERE clause follows.
std::string RecountStudies(const std::string& modalities) {
  return "\nUPDATE studies SET\n"
         "  number_of_series = (SELECT count(*) FROM series s WHERE s.study_pk = "
         "studies.study_pk),\n"
         "  number_of_instances = (SELECT count(*) FROM series s JOIN instances i USING "
         "(series_pk)\n"
         "                         WHERE s.study_pk = studies.study_pk),\n"
         "  modalities_in_study = " +
         modalities + "\n";
}

// The triggers that recount a study when a series came, went, moved or
// changed its modality.
std::string SeriesTriggers(const std::string& recount) {
  return "CREATE TRIGGER series_counts_insert AFTER INSERT ON series BEGIN" + recount +
         "WHERE study_pk = NEW.study_pk; END;\n"
         "CREATE TRIGGER series_counts_delete AFTER DELETE ON series BEGIN" +
         recount +
         "WHERE study_pk = OLD.study_pk; END;\n"
         "CREATE TRIGGER series_counts_update AFTER UPDATE OF study_pk, modality ON series "
         "WHEN OLD.study_pk IS NOT NEW.study_pk OR OLD.modality IS NOT NEW.modality BEGIN" +
         recount + "WHERE study_pk IN (OLD.study_pk, NEW.study_pk); END;\n";
}

// One statement adding `delta` to the instance count of the study of the
// series `series_pk` (e.g. NEW.series_pk).
std::string AddToInstanceCount(const std::string& delta, const std::string& series_pk) {
  return "UPDATE studies SET number_of_instances = number_of_instances " + delta +
         " WHERE study_pk = (SELECT study_pk FROM series WHERE series_pk = " + series_pk + ");\n";
}

}  // namespace

std::string StudyCountsMigration() {
  const std::string recount = RecountStudies(kCommaModalities);
  return std::string(kStudyCountColumns) + SeriesTriggers(recount) +
         // An instance came, went or moved to another series: one more or less.
         "CREATE TRIGGER instances_count_insert AFTER INSERT ON instances BEGIN\n" +
         AddToInstanceCount("+ 1", "NEW.series_pk") + "END;\n" +
         "CREATE TRIGGER instances_count_delete AFTER DELETE ON instances BEGIN\n" +
         AddToInstanceCount("- 1", "OLD.series_pk") + "END;\n" +
         "CREATE TRIGGER instances_count_update AFTER UPDATE OF series_pk ON instances "
         "WHEN OLD.series_pk IS NOT NEW.series_pk BEGIN\n" +
         AddToInstanceCount("- 1", "OLD.series_pk") + AddToInstanceCount("+ 1", "NEW.series_pk") +
         "END;\n" +
         // The studies already there.
         recount + ";\n";
}

std::string ModalitiesSeparatorMigration() {
  const std::string recount = RecountStudies(kBackslashModalities);
  return "DROP TRIGGER series_counts_insert;\n"
         "DROP TRIGGER series_counts_delete;\n"
         "DROP TRIGGER series_counts_update;\n" +
         SeriesTriggers(recount) + recount + ";\n";
}

}  // namespace pixeldex::index
