// The common C-FIND shapes must be served by indexes: EXPLAIN QUERY PLAN of
// the generated SQL (with its parameters bound, as the LIKE optimisation
// depends on them) searches the level's table through an index and scans no
// table of the hierarchy.

#include <gtest/gtest.h>

#include "catalog/query/attribute_catalog.h"
#include "catalog/query/find_engine.h"
#include "catalog/query/find_request.h"
#include "catalog/query/retrieve_request.h"
#include "catalog/query/sql_plan.h"
#include "catalog/query/sqlite_dialect.h"
#include "tests/query/fixture_index.h"

namespace pixeldex::query::testing {
namespace {

// The plan of the C-FIND SQL (of the QIDO-RS window `page`), or with
// `retrieve` of the retrieve's instance list.
std::string ExplainPlan(index::Db& db, InformationModel model, std::vector<QueryKey> identifier,
                        bool retrieve = false, const std::optional<FindPage>& page = std::nullopt) {
  auto request = retrieve ? MakeRetrieveRequest(model, std::move(identifier))
                          : MakeFindRequest(model, std::move(identifier));
  EXPECT_TRUE(request.ok()) << request.status().ToString();
  if (!request.ok()) return "";
  auto plan = retrieve ? BuildInstanceListPlan(*request, SqliteDialect::Instance())
                       : BuildSqlPlan(*request, FindOptions{}, SqliteDialect::Instance(), page);
  EXPECT_TRUE(plan.ok());
  plan->sql = "EXPLAIN QUERY PLAN " + plan->sql;
  auto stmt = PrepareFind(db, *plan);
  EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
  std::string out;
  while (stmt->Step()) out += stmt->Text(3) + "\n";
  return out;
}

QueryKey Key(uint16_t g, uint16_t e, const char* vr, const char* value) {
  return {{g, e}, vr, value, {}};
}

class QueryPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto temp = TempIndex::Create();
    ASSERT_TRUE(temp.ok());
    temp_.emplace(std::move(*temp));
  }
  std::optional<TempIndex> temp_;
};

// A plan uses an index for `table` and never scans any table of the hierarchy.
// True when the plan searches `alias` through `index_and_terms` ("name
// (column=?)"), with or without a covering index.
bool Searches(const std::string& plan, const std::string& alias,
              const std::string& index_and_terms) {
  return plan.find("SEARCH " + alias + " USING INDEX " + index_and_terms) != std::string::npos ||
         plan.find("SEARCH " + alias + " USING COVERING INDEX " + index_and_terms) !=
             std::string::npos;
}

void ExpectIndexed(const std::string& plan, const std::string& alias,
                   const std::string& index_and_terms) {
  EXPECT_TRUE(Searches(plan, alias, index_and_terms)) << alias << " " << index_and_terms << "\n"
                                                      << plan;
  for (const char* alias : {"SCAN p", "SCAN st", "SCAN se", "SCAN i"}) {
    const size_t at = plan.find(alias);
    const bool scans = at != std::string::npos &&
                       (at + strlen(alias) == plan.size() || plan[at + strlen(alias)] == '\n' ||
                        plan[at + strlen(alias)] == ' ');
    EXPECT_FALSE(scans) << alias << " in\n" << plan;
  }
  EXPECT_TRUE(plan.find("USING INDEX") != std::string::npos ||
              plan.find("USING COVERING INDEX") != std::string::npos)
      << plan;
}

// The study's copy of its Patient ID (schema v9, patient_identity.h) has
// an index of its own: one search, no patient row.
TEST_F(QueryPlanTest, StudyByPatientIdUsesTheStudysPatientIdIndex) {
  const auto plan = ExplainPlan(temp_->db(), InformationModel::kStudyRoot,
                                {Key(0x0008, 0x0052, "CS", "STUDY"),
                                 Key(0x0010, 0x0020, "LO", "P1"), Key(0x0008, 0x0020, "DA", "")});
  ExpectIndexed(plan, "st", "studies_patient_id (patient_id=?)");
  EXPECT_EQ(plan.find(" p "), std::string::npos) << plan;
}

TEST_F(QueryPlanTest, StudyByPatientNamePrefixUsesTheNocaseIndex) {
  const auto plan = ExplainPlan(temp_->db(), InformationModel::kStudyRoot,
                                {Key(0x0008, 0x0052, "CS", "STUDY"),
                                 Key(0x0010, 0x0010, "PN", "Doe*")});
  // Each study's own Patient's Name (schema v6, patient_identity.h).
  ExpectIndexed(plan, "st", "studies_patient_name (patient_name>? AND patient_name<?)");
}

// A patient-level query keeps the patient's row and its index.
TEST_F(QueryPlanTest, PatientRootPatientByNamePrefixUsesThePatientsNameIndex) {
  const auto plan = ExplainPlan(temp_->db(), InformationModel::kPatientRoot,
                                {Key(0x0008, 0x0052, "CS", "PATIENT"),
                                 Key(0x0010, 0x0010, "PN", "Doe*")});
  ExpectIndexed(plan, "p", "patients_name (patient_name>? AND patient_name<?)");
}

// A C-FIND's date range: the index by date that covers the study's answer
// (schema v9, studies_date_answer; a QIDO-RS page's window keeps the narrow
// studies_date, below).
TEST_F(QueryPlanTest, StudyByDateRangeUsesTheDateIndex) {
  const auto plan = ExplainPlan(temp_->db(), InformationModel::kStudyRoot,
                                {Key(0x0008, 0x0052, "CS", "STUDY"),
                                 Key(0x0008, 0x0020, "DA", "20240101-20240131"),
                                 Key(0x0010, 0x0010, "PN", "")});
  ExpectIndexed(plan, "st", "studies_date_answer (study_date>? AND study_date<?)");
}

// A study search reads no patient row: each study keeps its own Patient's
// Name, Birth Date and Sex, and a copy of its patient's Patient ID and
// Issuer (schema v9). Only the patient's counts are the patient row's.
TEST_F(QueryPlanTest, StudySearchOfPatientKeysReadsNoPatientRow) {
  const std::vector<QueryKey> month = {Key(0x0008, 0x0052, "CS", "STUDY"),
                                       Key(0x0008, 0x0020, "DA", "20240101-20240131"),
                                       Key(0x0010, 0x0010, "PN", ""), Key(0x0010, 0x0030, "DA", "")};
  const auto plan = ExplainPlan(temp_->db(), InformationModel::kStudyRoot, month);
  ExpectIndexed(plan, "st", "studies_date_answer (study_date>? AND study_date<?)");
  EXPECT_EQ(plan.find(" p USING"), std::string::npos) << plan;
  // With Patient ID and its issuer asked for and matched on: still none.
  auto with_id = month;
  with_id.push_back(Key(0x0010, 0x0020, "LO", ""));
  with_id.push_back(Key(0x0010, 0x0021, "LO", "HOSP"));
  const auto plan_with_id = ExplainPlan(temp_->db(), InformationModel::kStudyRoot, with_id);
  ExpectIndexed(plan_with_id, "st", "studies_date_answer (study_date>? AND study_date<?)");
  EXPECT_EQ(plan_with_id.find(" p "), std::string::npos) << plan_with_id;
  // The patient's own counts are its row's.
  auto with_count = month;
  with_count.push_back(Key(0x0020, 0x1200, "IS", ""));  // Number of Patient Related Studies
  EXPECT_NE(ExplainPlan(temp_->db(), InformationModel::kStudyRoot, with_count).find(" p USING"),
            std::string::npos);
}

// A study browser's C-FIND of a month (bench/find_bench: every study-level
// return key the index has a column for) is answered from an index by date
// alone (schema v9, studies_date_answer): no study row, no patient row.
TEST_F(QueryPlanTest, AMonthOfStudiesIsAnsweredFromTheDateIndexAlone) {
  std::vector<QueryKey> keys = {Key(0x0008, 0x0052, "CS", "STUDY"),
                                Key(0x0008, 0x0020, "DA", "20240101-20240131")};
  for (const Tag tag : {Tag{0x0008, 0x0030}, Tag{0x0008, 0x0050}, Tag{0x0008, 0x0061},
                        Tag{0x0008, 0x0090}, Tag{0x0008, 0x0201}, Tag{0x0008, 0x1030},
                        Tag{0x0010, 0x0010}, Tag{0x0010, 0x0020}, Tag{0x0010, 0x0021},
                        Tag{0x0010, 0x0030}, Tag{0x0010, 0x0040}, Tag{0x0020, 0x000D},
                        Tag{0x0020, 0x0010}, Tag{0x0020, 0x1206}, Tag{0x0020, 0x1208}}) {
    keys.push_back({tag, FindAttribute(tag)->vr, "", {}});
  }
  const auto plan = ExplainPlan(temp_->db(), InformationModel::kStudyRoot, keys);
  EXPECT_EQ(plan,
            "SEARCH st USING COVERING INDEX studies_date_answer (study_date>? AND study_date<?)\n");
}

// A QIDO-RS page of a month of studies (PS3.18 8.3.4.4): the matches' keys
// from the date index alone (it holds the key), then each study of the
// window by key; no table is scanned, and no patient row is read (the
// study keeps its patient's Patient ID, schema v9).
TEST_F(QueryPlanTest, PagedStudyByDateRangeUsesTheDateIndexThenTheKeys) {
  constexpr bool kFind = false;
  const auto plan = ExplainPlan(temp_->db(), InformationModel::kStudyRoot,
                                {Key(0x0008, 0x0052, "CS", "STUDY"),
                                 Key(0x0008, 0x0020, "DA", "20240101-20240131"),
                                 Key(0x0010, 0x0020, "LO", ""), Key(0x0008, 0x0061, "CS", "")},
                                kFind, FindPage{100, 25});
  ExpectIndexed(plan, "st", "studies_date (study_date>? AND study_date<?)");
  EXPECT_NE(plan.find("SEARCH st USING COVERING INDEX studies_date"), std::string::npos) << plan;
  EXPECT_NE(plan.find("SEARCH st USING INTEGER PRIMARY KEY (rowid=?)"), std::string::npos) << plan;
  EXPECT_EQ(plan.find(" p "), std::string::npos) << plan;
}

// A study browser's computed keys come from the study's row (schema v3),
// not from a subquery per matching study over its series and instances.
TEST_F(QueryPlanTest, StudyCountsAndModalitiesAreReadNotCounted) {
  const auto plan = ExplainPlan(temp_->db(), InformationModel::kStudyRoot,
                                {Key(0x0008, 0x0052, "CS", "STUDY"),
                                 Key(0x0008, 0x0020, "DA", "20240101-20240131"),
                                 Key(0x0008, 0x0061, "CS", ""), Key(0x0020, 0x1206, "IS", ""),
                                 Key(0x0020, 0x1208, "IS", "")});
  ExpectIndexed(plan, "st", "studies_date_answer (study_date>? AND study_date<?)");
  EXPECT_EQ(plan.find("SUBQUERY"), std::string::npos) << plan;
}

TEST_F(QueryPlanTest, StudyByAccessionNumberUsesItsIndex) {
  const auto plan = ExplainPlan(temp_->db(), InformationModel::kStudyRoot,
                                {Key(0x0008, 0x0052, "CS", "STUDY"),
                                 Key(0x0008, 0x0050, "SH", "ACC1")});
  ExpectIndexed(plan, "st", "studies_accession (accession_number=?)");
}

TEST_F(QueryPlanTest, SeriesOfOneStudyUseTheStudyKey) {
  const auto plan = ExplainPlan(temp_->db(), InformationModel::kStudyRoot,
                                {Key(0x0008, 0x0052, "CS", "SERIES"),
                                 Key(0x0020, 0x000D, "UI", "1.2.3"),
                                 Key(0x0008, 0x0060, "CS", ""),
                                 Key(0x0020, 0x1209, "IS", "")});
  ExpectIndexed(plan, "st", "sqlite_autoindex_studies_1 (study_instance_uid=?)");
  EXPECT_TRUE(Searches(plan, "se", "series_study (study_pk=?)"))
      << plan;
}

TEST_F(QueryPlanTest, ImagesOfOneSeriesUseTheSeriesKey) {
  const auto plan = ExplainPlan(temp_->db(), InformationModel::kStudyRoot,
                                {Key(0x0008, 0x0052, "CS", "IMAGE"),
                                 Key(0x0020, 0x000D, "UI", "1.2.3"),
                                 Key(0x0020, 0x000E, "UI", "1.2.3.4"),
                                 Key(0x0020, 0x0013, "IS", ""),
                                 Key(0x0008, 0x0008, "CS", "")});
  ExpectIndexed(plan, "se", "sqlite_autoindex_series_1 (series_instance_uid=?)");
  EXPECT_TRUE(Searches(plan, "i", "instances_series (series_pk=?)"))
      << plan;
}

TEST_F(QueryPlanTest, PatientRootPatientByIdUsesThePatientKey) {
  const auto plan = ExplainPlan(temp_->db(), InformationModel::kPatientRoot,
                                {Key(0x0008, 0x0052, "CS", "PATIENT"),
                                 Key(0x0010, 0x0020, "LO", "P1"),
                                 Key(0x0020, 0x1200, "IS", "")});
  ExpectIndexed(plan, "p", "patients_id (patient_id=?)");
}

// Retrieves select their instances through the unique key of the level and
// the parent indexes below it.
TEST_F(QueryPlanTest, RetrieveInstanceListsUseTheUniqueKeys) {
  constexpr bool kRetrieve = true;
  auto plan = ExplainPlan(temp_->db(), InformationModel::kPatientRoot,
                          {Key(0x0008, 0x0052, "CS", "PATIENT"), Key(0x0010, 0x0020, "LO", "P1")},
                          kRetrieve);
  ExpectIndexed(plan, "st", "studies_patient_id (patient_id=?)");
  EXPECT_TRUE(Searches(plan, "i", "instances_series (series_pk=?)")) << plan;
  plan = ExplainPlan(temp_->db(), InformationModel::kStudyRoot,
                     {Key(0x0008, 0x0052, "CS", "STUDY"), Key(0x0020, 0x000D, "UI", "1.2\\1.3")},
                     kRetrieve);
  ExpectIndexed(plan, "st", "sqlite_autoindex_studies_1 (study_instance_uid=?)");
  plan = ExplainPlan(temp_->db(), InformationModel::kStudyRoot,
                     {Key(0x0008, 0x0052, "CS", "SERIES"), Key(0x0020, 0x000E, "UI", "1.2.3")},
                     kRetrieve);
  ExpectIndexed(plan, "se", "sqlite_autoindex_series_1 (series_instance_uid=?)");
  plan = ExplainPlan(temp_->db(), InformationModel::kStudyRoot,
                     {Key(0x0008, 0x0052, "CS", "IMAGE"), Key(0x0008, 0x0018, "UI", "1.2.3.4")},
                     kRetrieve);
  ExpectIndexed(plan, "i", "sqlite_autoindex_instances_1 (sop_instance_uid=?)");
}

}  // namespace
}  // namespace pixeldex::query::testing
