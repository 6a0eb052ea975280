// FindCursor / RunFind behaviour beyond matching: streaming with a stop
// (C-CANCEL), the max_results and max_keys limits, interruption by a progress
// callback, the FF01 flag, bound parameters only, and reading DICOM JSON.

#include <gtest/gtest.h>

#include "catalog/index/schema.h"
#include "catalog/query/dicom_json.h"
#include "catalog/query/find_engine.h"
#include "catalog/query/find_request.h"
#include "catalog/query/sqlite_dialect.h"
#include "tests/query/case_file.h"
#include "tests/query/fixture_index.h"

namespace pixeldex::query::testing {
namespace {

FixtureEntity Entity(QueryLevel level, std::string label, std::string parent,
                     std::vector<ResponseAttribute> attributes = {}) {
  return {level, std::move(label), std::move(parent), std::move(attributes)};
}

class FindEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto temp = TempIndex::Create();
    ASSERT_TRUE(temp.ok());
    temp_.emplace(std::move(*temp));
    std::vector<FixtureEntity> fixture{Entity(QueryLevel::kPatient, "P1", "")};
    for (int k = 1; k <= 5; ++k) {
      const std::string uid = "1." + std::to_string(k);
      fixture.push_back(Entity(QueryLevel::kStudy, uid, "P1",
                               {{{0x0008, 0x0020}, "DA", {"2024010" + std::to_string(k)}, {}}}));
      fixture.push_back(Entity(QueryLevel::kSeries, uid + ".1", uid));
      fixture.push_back(Entity(QueryLevel::kImage, uid + ".1.1", uid + ".1",
                               {{{0x0010, 0x0010}, "PN", {"Doe^John"}, {}}}));
    }
    ASSERT_TRUE(LoadFixture(temp_->db(), fixture).ok());
  }
  FindRequest Request(std::vector<QueryKey> keys) {
    keys.push_back({kQueryRetrieveLevel, "CS", "STUDY", {}});
    auto request = MakeFindRequest(InformationModel::kStudyRoot, std::move(keys));
    EXPECT_TRUE(request.ok()) << request.status().ToString();
    return *request;
  }
  std::optional<TempIndex> temp_;
};

TEST_F(FindEngineTest, StopsWhenTheCallbackReturnsFalse) {
  size_t seen = 0;
  auto outcome = RunFind(temp_->db(), Request({}), FindOptions{}, [&](const FindMatch&) {
    return ++seen < 2;
  });
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(seen, 2u);
  EXPECT_EQ(outcome->matches, 2u);
  EXPECT_TRUE(outcome->cancelled);
  EXPECT_FALSE(outcome->limit_reached);
}

TEST_F(FindEngineTest, MaxResultsStopsAndReportsTheLimit) {
  FindOptions options;
  options.max_results = 3;
  size_t seen = 0;
  auto outcome = RunFind(temp_->db(), Request({}), options, [&](const FindMatch&) {
    ++seen;
    return true;
  });
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(seen, 3u);
  EXPECT_TRUE(outcome->limit_reached);
}

TEST_F(FindEngineTest, ExactlyMaxResultsMatchesIsNotALimit) {
  FindOptions options;
  options.max_results = 5;
  auto outcome = RunFind(temp_->db(), Request({}), options, [](const FindMatch&) { return true; });
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->matches, 5u);
  EXPECT_FALSE(outcome->limit_reached);
}

TEST_F(FindEngineTest, MaxKeysRefusesALargerIdentifierCountingItemKeys) {
  FindOptions options;
  options.max_keys = 2;  // StudyDate, the sequence and its item key make 3
  const QueryKey date{{0x0008, 0x0020}, "DA", "", {}};
  QueryKey sequence{{0x0008, 0x1032}, "SQ", "", {{{{0x0008, 0x0100}, "SH", "", {}}}}};
  auto refused = FindCursor::Open(temp_->db(), Request({date, sequence}), options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kResourceExhausted);
  EXPECT_NE(refused.status().message().find("more than 2 keys"), std::string::npos)
      << refused.status().message();
  options.max_keys = 3;
  EXPECT_TRUE(FindCursor::Open(temp_->db(), Request({date, sequence}), options).ok());
}

// A generated index of 2,000 instances, and an IMAGE-level request whose key
// is matched in every instance's JSON header and matches none: one Next()
// walks them all, unless the progress callback interrupts it.
TEST(FindEngineCostTest, AProgressCallbackPastItsDeadlineInterruptsTheSearch) {
  auto temp = TempIndex::Create();
  ASSERT_TRUE(temp.ok());
  std::vector<FixtureEntity> fixture{Entity(QueryLevel::kPatient, "P1", ""),
                                     Entity(QueryLevel::kStudy, "9.1", "P1"),
                                     Entity(QueryLevel::kSeries, "9.1.1", "9.1")};
  for (int i = 0; i < 2000; ++i) {
    fixture.push_back(Entity(QueryLevel::kImage, "9.1.1." + std::to_string(i), "9.1.1",
                             {{{0x0020, 0x4000}, "LT", {"comment " + std::to_string(i)}, {}}}));
  }
  ASSERT_TRUE(LoadFixture(temp->db(), fixture).ok());
  auto request = MakeFindRequest(InformationModel::kStudyRoot,
                                 {{kQueryRetrieveLevel, "CS", "IMAGE", {}},
                                  {{0x0020, 0x000D}, "UI", "9.1", {}},
                                  {{0x0020, 0x000E}, "UI", "9.1.1", {}},
                                  {{0x0020, 0x4000}, "LT", "*no such comment*", {}}});
  ASSERT_TRUE(request.ok()) << request.status().ToString();

  auto search = [&](int interrupt_at_call, int* calls) {
    index::ProgressCallback progress(temp->db(), 1000,
                                     [&] { return ++*calls == interrupt_at_call; });
    auto cursor = FindCursor::Open(temp->db(), *request, FindOptions{});
    EXPECT_TRUE(cursor.ok());
    return cursor->Next();
  };
  int full_calls = 0;
  auto complete = search(0, &full_calls);
  ASSERT_TRUE(complete.ok()) << complete.status().ToString();
  EXPECT_FALSE(complete->has_value()) << "nothing matches";
  ASSERT_GT(full_calls, 20) << "the search is too cheap to show an interruption";

  int calls = 0;
  auto interrupted = search(5, &calls);
  ASSERT_FALSE(interrupted.ok());
  EXPECT_EQ(interrupted.status().code(), Status::Code::kResourceExhausted)
      << interrupted.status().ToString();
  EXPECT_EQ(calls, 5) << "the step ended when the callback said so";
}

TEST_F(FindEngineTest, CursorYieldsOneMatchAtATime) {
  auto cursor = FindCursor::Open(temp_->db(), Request({{{0x0008, 0x0020}, "DA", "20240102-", {}}}),
                                 FindOptions{});
  ASSERT_TRUE(cursor.ok());
  size_t n = 0;
  while (true) {
    auto next = cursor->Next();
    ASSERT_TRUE(next.ok());
    if (!next->has_value()) break;
    ++n;
  }
  EXPECT_EQ(n, 4u);
  auto again = cursor->Next();  // stays finished
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

TEST_F(FindEngineTest, ValueOnAReturnOnlyKeyIsFlaggedForFf01) {
  auto with_value = FindCursor::Open(
      temp_->db(), Request({{{0x0020, 0x1208}, "IS", "7", {}}}), FindOptions{});
  ASSERT_TRUE(with_value.ok());
  EXPECT_TRUE(with_value->unsupported_matching());
  auto universal = FindCursor::Open(
      temp_->db(), Request({{{0x0020, 0x1208}, "IS", "", {}}}), FindOptions{});
  ASSERT_TRUE(universal.ok());
  EXPECT_FALSE(universal->unsupported_matching());
}

TEST_F(FindEngineTest, ValuesAreBoundNeverSpliced) {
  const std::string hostile = "x' OR '1'='1";
  FindRequest request = Request({{{0x0008, 0x0050}, "SH", hostile, {}},
                                 {{0x0010, 0x0010}, "PN", hostile + "*", {}},
                                 {{0x0008, 0x1032}, "SQ", "", {{{{0x0008, 0x0100}, "SH", hostile, {}}}}}});
  auto plan = BuildSqlPlan(request, FindOptions{}, SqliteDialect::Instance());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->sql.find("OR '1'"), std::string::npos) << plan->sql;
  EXPECT_EQ(plan->sql.find("x'"), std::string::npos) << plan->sql;
  auto outcome = RunFind(temp_->db(), request, FindOptions{}, [](const FindMatch&) { return true; });
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->matches, 0u);
}

TEST_F(FindEngineTest, HeaderKeyReturnsTheVrOfTheJson) {
  // Requested as UN (e.g. an SCU without the dictionary entry): the stored VR wins.
  FindRequest request = Request({{{0x0010, 0x0010}, "PN", "", {}},
                                 {{0x0008, 0x0020}, "DA", "20240103", {}},
                                 {{0x0010, 0x1010}, "UN", "", {}}});
  std::vector<FindMatch> matches;
  auto outcome = RunFind(temp_->db(), request, FindOptions{}, [&](const FindMatch& m) {
    matches.push_back(m);
    return true;
  });
  ASSERT_TRUE(outcome.ok());
  ASSERT_EQ(matches.size(), 1u);
  const FindMatch& m = matches[0];
  for (size_t k = 1; k < m.attributes.size(); ++k) {
    EXPECT_LT(m.attributes[k - 1].tag, m.attributes[k].tag) << "sorted by tag, no duplicates";
  }
  ASSERT_NE(m.Find({0x0010, 0x0010}), nullptr);
  EXPECT_EQ(m.Find({0x0010, 0x0010})->vr, "PN");
  ASSERT_NE(m.Find({0x0010, 0x1010}), nullptr);
  EXPECT_EQ(m.Find({0x0010, 0x1010})->vr, "UN");  // absent from the header: request VR
  EXPECT_TRUE(m.Find({0x0010, 0x1010})->values.empty());
  ASSERT_NE(m.Find(kStudyInstanceUid), nullptr);
  EXPECT_EQ(m.Find(kStudyInstanceUid)->values, std::vector<std::string>{"1.3"});
}

// A header attribute is read from the JSON only when its key is in the text
// (SqliteDialect::JsonAttributeIfPresent): a key that occurs only inside a
// sequence item must still come back zero-length at the top level, and a
// present one with its value.
TEST(FindEngineHeaderTest, KeyOnlyInsideASequenceItemIsNotTheTopLevelAttribute) {
  auto temp = TempIndex::Create();
  ASSERT_TRUE(temp.ok());
  const Tag department{0x0008, 0x1040}, code_value{0x0008, 0x0100}, procedure{0x0008, 0x1032};
  ResponseAttribute sequence{procedure, "SQ", {}, {{{code_value, "SH", {"X1"}, {}}}}};
  ASSERT_TRUE(LoadFixture(temp->db(), {Entity(QueryLevel::kPatient, "P1", ""),
                                       Entity(QueryLevel::kStudy, "9.1", "P1"),
                                       Entity(QueryLevel::kSeries, "9.1.1", "9.1"),
                                       Entity(QueryLevel::kImage, "9.1.1.1", "9.1.1",
                                              {{department, "LO", {"Radiology"}, {}}, sequence})})
                  .ok());
  auto request =
      MakeFindRequest(InformationModel::kStudyRoot, {{kQueryRetrieveLevel, "CS", "STUDY", {}},
                                                     {kStudyInstanceUid, "UI", "9.1", {}},
                                                     {department, "LO", "", {}},
                                                     {code_value, "SH", "", {}}});
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  auto plan = BuildSqlPlan(*request, FindOptions{}, SqliteDialect::Instance());
  ASSERT_TRUE(plan.ok());
  EXPECT_NE(plan->sql.find("instr(h.json, '\"00080100\"')"), std::string::npos) << plan->sql;
  std::vector<FindMatch> matches;
  auto outcome = RunFind(temp->db(), *request, FindOptions{}, [&](const FindMatch& m) {
    matches.push_back(m);
    return true;
  });
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  ASSERT_EQ(matches.size(), 1u);
  ASSERT_NE(matches[0].Find(department), nullptr);
  EXPECT_EQ(matches[0].Find(department)->values, std::vector<std::string>{"Radiology"});
  ASSERT_NE(matches[0].Find(code_value), nullptr);
  EXPECT_TRUE(matches[0].Find(code_value)->values.empty());
}

TEST(DicomJsonTest, ReadsPersonNamesNumbersSequencesAndEscapes) {
  auto pn = ParseDicomJsonAttribute(
      {0x0010, 0x0010},
      R"({"vr":"PN","Value":[{"Alphabetic":"Yamada^Tarou","Ideographic":"\u5c71\u7530^\u592a\u90ce"},{"Alphabetic":"Doe"}]})");
  ASSERT_TRUE(pn.ok()) << pn.status().ToString();
  EXPECT_EQ(pn->vr, "PN");
  EXPECT_EQ(pn->values, (std::vector<std::string>{"Yamada^Tarou=山田^太郎", "Doe"}));

  auto ds = ParseDicomJsonAttribute({0x0018, 0x0050}, R"({"vr":"DS","Value":[1.25,-3e2]})");
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ(ds->values, (std::vector<std::string>{"1.25", "-3e2"}));

  auto sq = ParseDicomJsonAttribute(
      {0x0008, 0x1032},
      R"({"vr":"SQ","Value":[{"00080104":{"vr":"LO","Value":["a \"b\""]},"00080100":{"vr":"SH","Value":["P1"]}}]})");
  ASSERT_TRUE(sq.ok());
  ASSERT_EQ(sq->items.size(), 1u);
  ASSERT_EQ(sq->items[0].size(), 2u);
  EXPECT_EQ(sq->items[0][0].tag, (Tag{0x0008, 0x0100}));  // sorted by tag
  EXPECT_EQ(sq->items[0][1].values, std::vector<std::string>{"a \"b\""});

  auto bulk = ParseDicomJsonAttribute({0x7FE0, 0x0010},
                                      R"({"vr":"OW","BulkDataURI":"file:///x"})");
  ASSERT_TRUE(bulk.ok());
  EXPECT_TRUE(bulk->values.empty());

  EXPECT_FALSE(ParseDicomJsonAttribute({0x0010, 0x0010}, R"({"vr":"PN","Value":[)").ok());
}

// DS and IS values come back with the text they were stored with, not as
// the numbers they denote.
TEST(DicomJsonTest, NumbersKeepTheirStoredText) {
  auto ds = ParseDicomJsonAttribute({0x0018, 0x0050},
                                    R"({"vr":"DS","Value":[1.250,0.5E-3,100,null]})");
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->values, (std::vector<std::string>{"1.250", "0.5E-3", "100", ""}));
  // Beyond 64 bits: the text, not a rounded double.
  auto is = ParseDicomJsonAttribute({0x0020, 0x0013},
                                    R"({"vr":"IS","Value":[123456789012345678901234,-42]})");
  ASSERT_TRUE(is.ok()) << is.status().ToString();
  EXPECT_EQ(is->values, (std::vector<std::string>{"123456789012345678901234", "-42"}));
}

TEST(DicomJsonTest, MalformedOrTooDeepJsonIsCorruption) {
  EXPECT_EQ(ParseDicomJsonAttribute({0x0010, 0x0010}, R"({"vr":"PN"} trailing)").status().code(),
            Status::Code::kCorruption);
  EXPECT_EQ(ParseDicomJsonAttribute({0x0008, 0x1032}, R"({"vr":"SQ","Value":[{"0008":{}}]})")
                .status()
                .code(),
            Status::Code::kCorruption);  // an item key that is no tag
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_EQ(ParseDicomJsonAttribute({0x0010, 0x0010}, R"({"vr":"PN","Value":)" + deep + "}")
                .status()
                .code(),
            Status::Code::kCorruption);
}

}  // namespace
}  // namespace pixeldex::query::testing
