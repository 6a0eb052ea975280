// QIDO-RS parameters -> the C-FIND engine's FindRequest, without sockets:
// keywords and tags, UID lists, includefield, limit/offset, fuzzymatching,
// the required return keys per resource, and the 400 reasons; URL UIDs;
// query-string decoding.

#include "server/dicomweb/qido_search.h"

#include <gtest/gtest.h>

#include "catalog/query/sql_plan.h"
#include "catalog/query/sqlite_dialect.h"
#include "server/dicomweb/uid_segment.h"

namespace pixeldex::server {
namespace {

using query::QueryLevel;
using query::Tag;

const query::QueryKey* KeyOf(const QidoSearch& search, Tag tag) {
  for (const auto& key : search.request.keys) {
    if (key.tag == tag) return &key;
  }
  return nullptr;
}

Result<QidoSearch> Parse(QidoScope scope, const std::string& query) {
  auto params = ParseQueryString(query);
  if (!params.ok()) return params.status();
  return ParseQidoSearch(scope, *params);
}

TEST(QidoSearchTest, TurnsKeywordsAndTagsIntoMatchKeys) {
  auto search = Parse({QueryLevel::kStudy}, "PatientName=Doe*&00080020=20200101-20201231&"
                                            "StudyInstanceUID=1.2.3,1.2.4");
  ASSERT_TRUE(search.ok()) << search.status().ToString();
  EXPECT_EQ(search->request.level, QueryLevel::kStudy);
  EXPECT_EQ(search->request.model, query::InformationModel::kStudyRoot);
  EXPECT_EQ(KeyOf(*search, {0x0010, 0x0010})->value, "Doe*");
  EXPECT_EQ(KeyOf(*search, {0x0008, 0x0020})->value, "20200101-20201231");
  // PS3.18 8.3.4.1 commas become the C-FIND list separator.
  EXPECT_EQ(KeyOf(*search, {0x0020, 0x000D})->value, "1.2.3\\1.2.4");
  // A required return key is present with no value.
  ASSERT_NE(KeyOf(*search, {0x0020, 0x1208}), nullptr);
  EXPECT_EQ(KeyOf(*search, {0x0020, 0x1208})->value, "");
}

TEST(QidoSearchTest, ReturnsTheAttributesOfEachResource) {
  const Tag study_date{0x0008, 0x0020}, modality{0x0008, 0x0060}, rows{0x0028, 0x0010};
  auto series_of_study = Parse({QueryLevel::kSeries, "1.2.3", ""}, "");
  ASSERT_TRUE(series_of_study.ok()) << series_of_study.status().ToString();
  EXPECT_EQ(KeyOf(*series_of_study, {0x0020, 0x000D})->value, "1.2.3");
  EXPECT_NE(KeyOf(*series_of_study, modality), nullptr);
  EXPECT_EQ(KeyOf(*series_of_study, study_date), nullptr);
  // PS3.18 10.6.3.3: all series also carry the study attributes.
  auto all_series = Parse({QueryLevel::kSeries}, "");
  ASSERT_TRUE(all_series.ok());
  EXPECT_NE(KeyOf(*all_series, study_date), nullptr);
  auto all_instances = Parse({QueryLevel::kImage}, "");
  ASSERT_TRUE(all_instances.ok()) << all_instances.status().ToString();
  EXPECT_NE(KeyOf(*all_instances, study_date), nullptr);
  EXPECT_NE(KeyOf(*all_instances, modality), nullptr);
  EXPECT_NE(KeyOf(*all_instances, rows), nullptr);
  auto series_instances = Parse({QueryLevel::kImage, "1.2.3", "1.2.3.4"}, "");
  ASSERT_TRUE(series_instances.ok());
  EXPECT_EQ(KeyOf(*series_instances, modality), nullptr);
  EXPECT_EQ(KeyOf(*series_instances, {0x0020, 0x000E})->value, "1.2.3.4");
}

// Every attribute of PS3.18 Table 10.6.3-3 has a column (Timezone Offset
// From UTC in the study's since index schema version 8): a study search
// reads no header row per matching study.
TEST(QidoSearchTest, AStudySearchReadsNoHeader) {
  auto search = Parse({QueryLevel::kStudy}, "StudyDate=20200101-20200131");
  ASSERT_TRUE(search.ok()) << search.status().ToString();
  ASSERT_NE(KeyOf(*search, {0x0008, 0x0201}), nullptr);
  auto plan =
      query::BuildSqlPlan(search->request, query::FindOptions{}, query::SqliteDialect::Instance());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->sql.find("headers"), std::string::npos) << plan->sql;
}

TEST(QidoSearchTest, IncludesFieldsAndAll) {
  auto search = Parse({QueryLevel::kStudy}, "includefield=StudyDescription,00081030&includefield=00100021");
  ASSERT_TRUE(search.ok()) << search.status().ToString();
  EXPECT_NE(KeyOf(*search, {0x0008, 0x1030}), nullptr);
  EXPECT_NE(KeyOf(*search, {0x0010, 0x0021}), nullptr);
  auto all = Parse({QueryLevel::kStudy}, "includefield=all");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_GT(all->request.keys.size(), search->request.keys.size());
  // A match key keeps its value when it is also included.
  auto both = Parse({QueryLevel::kStudy}, "PatientID=P1&includefield=PatientID");
  EXPECT_EQ(KeyOf(*both, {0x0010, 0x0020})->value, "P1");
}

// OHIF's study list asks for Modality (a series attribute) beside the study
// ones: it is left out, not refused; as a matching key it still is (above).
TEST(QidoSearchTest, LeavesOutIncludedFieldsBelowTheLevel) {
  auto search = Parse({QueryLevel::kStudy}, "includefield=00081030,00080060,Rows");
  ASSERT_TRUE(search.ok()) << search.status().ToString();
  EXPECT_NE(KeyOf(*search, {0x0008, 0x1030}), nullptr);
  EXPECT_EQ(KeyOf(*search, {0x0008, 0x0060}), nullptr);
  EXPECT_EQ(KeyOf(*search, {0x0028, 0x0010}), nullptr);
  auto series = Parse({QueryLevel::kSeries}, "includefield=00080060");
  ASSERT_TRUE(series.ok()) << series.status().ToString();
  EXPECT_NE(KeyOf(*series, {0x0008, 0x0060}), nullptr);
}

TEST(QidoSearchTest, ReadsPagingAndFuzzyMatching) {
  auto search = Parse({QueryLevel::kStudy}, "limit=10&offset=20&fuzzymatching=true");
  ASSERT_TRUE(search.ok());
  EXPECT_EQ(search->limit, 10u);
  EXPECT_EQ(search->offset, 20u);
  EXPECT_TRUE(search->fuzzy_matching);
  auto plain = Parse({QueryLevel::kStudy}, "");
  EXPECT_FALSE(plain->limit.has_value());
  EXPECT_EQ(plain->offset, 0u);
}

TEST(QidoSearchTest, RefusesBadParametersWithAReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"limit=-1", "limit"},
      {"limit=1&limit=2", "more than once"},
      {"offset=x", "offset"},
      {"fuzzymatching=yes", "fuzzymatching"},
      {"NotAKeyword=1", "NotAKeyword"},
      {"includefield=Nope", "includefield"},
      {"SOPInstanceUID=1.2", "IMAGE level"},
      {"PatientName=A&00100010=B", "more than once"},
      {"RequestAttributesSequence.RequestedProcedureID=1", "sequences"},
      {"x=%2", "percent"},
  };
  for (const auto& [query, reason] : cases) {
    auto search = Parse({QueryLevel::kStudy}, query);
    ASSERT_FALSE(search.ok()) << query;
    EXPECT_EQ(search.status().code(), Status::Code::kInvalidArgument) << query;
    EXPECT_NE(search.status().message().find(reason), std::string::npos)
        << query << ": " << search.status().message();
  }
  auto twice = Parse({QueryLevel::kSeries, "1.2.3", ""}, "StudyInstanceUID=1.2.4");
  EXPECT_FALSE(twice.ok());
}

TEST(UidSegmentTest, AcceptsUidsAndNothingElse) {
  EXPECT_TRUE(ValidUidSegment("1.2.840.10008.1.2", "UID").ok());
  EXPECT_TRUE(ValidUidSegment("0.1", "UID").ok());
  for (const std::string& bad : std::vector<std::string>{"", "1..2", ".1", "1.", "01.2", "1.2a", "1/2", "..", "1.2*",
                                "1%2E2", std::string(65, '1')}) {
    EXPECT_FALSE(ValidUidSegment(bad, "UID").ok()) << bad;
  }
}

TEST(QueryStringTest, DecodesPairsInOrder) {
  auto params = ParseQueryString("a=1&b=x%20y%5E&flag&&c=");
  ASSERT_TRUE(params.ok());
  ASSERT_EQ(params->size(), 4u);
  EXPECT_EQ((*params)[1], (std::pair<std::string, std::string>{"b", "x y^"}));
  EXPECT_EQ((*params)[2].first, "flag");
  EXPECT_EQ((*params)[3].second, "");
  EXPECT_FALSE(ParseQueryString("a=%4").ok());
  EXPECT_FALSE(ParseQueryString("a=%00").ok());
}

}  // namespace
}  // namespace pixeldex::server
