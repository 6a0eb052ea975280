// Runs every case of tests/query/cases/*.txt through the in-memory reference
// matcher and through the SQL path (FindCursor on a read-only connection);
// both must produce exactly the expected matches.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "catalog/index/schema.h"
#include "catalog/query/attribute_catalog.h"
#include "catalog/query/find_engine.h"
#include "catalog/query/find_request.h"
#include "tests/query/case_file.h"
#include "tests/query/fixture_index.h"
#include "tests/query/reference_matcher.h"

namespace pixeldex::query::testing {
namespace {

const std::vector<std::string> kCaseFiles = {
    "single_value",  "universal",         "wildcard",       "range",
    "uid_list",      "sequence",          "empty_values",   "levels_and_validation",
    "computed_keys", "charset_utf8",      "header_json_keys", "study_patient_attributes",
};

std::string CasePath(const std::string& name) {
  return std::string(PIXELDEX_SOURCE_DIR) + "/tests/query/cases/" + name + ".txt";
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::string UniqueKeyOfMatch(const FindMatch& match, QueryLevel level) {
  const ResponseAttribute* a = match.Find(UniqueKeyOf(level));
  return a && !a->values.empty() ? a->values.front() : "";
}

class QueryCasesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(QueryCasesTest, ReferenceAndSqlGiveTheExpectedMatches) {
  auto file = LoadCaseFile(CasePath(GetParam()));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_FALSE(file->cases.empty());
  auto temp = TempIndex::Create();
  ASSERT_TRUE(temp.ok()) << temp.status().ToString();
  const Status loaded = LoadFixture(temp->db(), file->fixture);
  ASSERT_TRUE(loaded.ok()) << loaded.ToString();
  auto reader = index::Db::Open(temp->path(), index::Db::Mode::kReadOnly);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(index::PrepareForReading(*reader).ok());

  for (const QueryCase& c : file->cases) {
    SCOPED_TRACE(GetParam() + ".txt:" + std::to_string(c.line) + " case " + c.name);
    auto request = MakeFindRequest(c.model, c.Identifier(), c.combined_datetime);
    if (c.expect_error) {
      bool refused = !request.ok();
      if (request.ok()) {
        refused = !RunFind(*reader, *request, c.options, [](const FindMatch&) { return true; }).ok();
      }
      EXPECT_TRUE(refused) << "the request should have been refused";
      if (!request.ok()) {
        EXPECT_EQ(request.status().code(), Status::Code::kInvalidArgument);
      }
      continue;
    }
    ASSERT_TRUE(request.ok()) << request.status().ToString();

    auto reference = ReferenceFind(file->fixture, *request, c.options);
    ASSERT_TRUE(reference.ok()) << reference.status().ToString();
    std::vector<std::string> expected = Sorted(c.expect_matches);
    if (c.options.max_results == 0) {
      EXPECT_EQ(Sorted(*reference), expected) << "in-memory reference matcher";
    }

    std::vector<std::string> got;
    std::map<std::string, FindMatch> by_key;
    auto outcome = RunFind(*reader, *request, c.options, [&](const FindMatch& m) {
      got.push_back(UniqueKeyOfMatch(m, request->level));
      by_key[got.back()] = m;
      return true;
    });
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    if (c.options.max_results > 0) {
      // The limit: exactly max_results of the expected matches, flagged.
      EXPECT_EQ(got.size(), std::min(c.options.max_results, expected.size()));
      EXPECT_EQ(outcome->limit_reached, expected.size() > c.options.max_results);
      for (const auto& k : got) EXPECT_TRUE(std::count(expected.begin(), expected.end(), k));
      continue;
    }
    EXPECT_EQ(Sorted(got), expected) << "SQL path";

    for (const auto& [key, match] : by_key) {
      // Every requested key, the charset and the level come back.
      for (const QueryKey& k : request->keys) {
        EXPECT_NE(match.Find(k.tag), nullptr) << "missing return key " << k.tag.ToString();
      }
      const ResponseAttribute* charset = match.Find(kSpecificCharacterSet);
      ASSERT_NE(charset, nullptr);
      EXPECT_EQ(RenderAttribute(*charset), "ISO_IR 192");
      const ResponseAttribute* level = match.Find(kQueryRetrieveLevel);
      ASSERT_NE(level, nullptr);
      EXPECT_EQ(RenderAttribute(*level), QueryLevelName(request->level));
    }
    for (const ExpectedReturn& r : c.returns) {
      auto it = by_key.find(r.match);
      ASSERT_NE(it, by_key.end()) << "no match " << r.match;
      const ResponseAttribute* a = it->second.Find(r.tag);
      ASSERT_NE(a, nullptr) << r.tag.ToString();
      EXPECT_EQ(RenderAttribute(*a), r.rendered) << r.tag.ToString() << " of " << r.match;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(CaseFiles, QueryCasesTest, ::testing::ValuesIn(kCaseFiles),
                         [](const auto& info) { return info.param; });

TEST(QueryCasesTest, TheCaseFilesHoldAtLeastSixtyCases) {
  size_t total = 0;
  for (const std::string& name : kCaseFiles) {
    auto file = LoadCaseFile(CasePath(name));
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    EXPECT_GE(file->cases.size(), 3u) << name;
    total += file->cases.size();
  }
  EXPECT_GE(total, 60u);
}

}  // namespace
}  // namespace pixeldex::query::testing
