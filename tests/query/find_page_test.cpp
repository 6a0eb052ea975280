// The engine's window (FindPage, the QIDO-RS offset and limit of PS3.18
// 8.3.4.4): successive windows of one request return every match exactly
// once, in the order the entities entered the index, whatever the request
// matches on (typed columns, computed lists, header JSON); a window past the
// end is empty; and the window is applied in the SQL, not after it.

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <set>

#include "catalog/query/find_engine.h"
#include "catalog/query/find_request.h"
#include "catalog/query/sqlite_dialect.h"
#include "catalog/query/sql_plan.h"
#include "tests/query/fixture_index.h"

namespace pixeldex::query::testing {
namespace {

constexpr int kStudies = 23;
constexpr Tag kPatientAge{0x0010, 0x1010};  // not in the catalog: read from headers.json

class FindPageTest : public TempIndexTest {
 protected:
  // Studies 1.1 ... 1.23 of three patients, every third one in March, the
  // even ones with a Patient's Age in their header; inserted in an order
  // that is not their UIDs' order, so key order and UID order differ.
  void SetUp() override {
    TempIndexTest::SetUp();
    std::vector<FixtureEntity> fixture;
    for (const char* patient : {"P1", "P2", "P3"}) fixture.push_back({QueryLevel::kPatient, patient, "", {}});
    for (int n = 0; n < kStudies; ++n) {
      const int k = (n * 7) % kStudies + 1;  // 7 and 23 are coprime: each k once
      const std::string uid = "1." + std::to_string(k);
      const std::string date = k % 3 == 0 ? "20240315" : "20240610";
      fixture.push_back({QueryLevel::kStudy, uid, "P" + std::to_string(k % 3 + 1),
                         {{{0x0008, 0x0020}, "DA", {date}, {}}}});
      fixture.push_back({QueryLevel::kSeries, uid + ".1", uid, {{{0x0008, 0x0060}, "CS", {"CT"}, {}}}});
      std::vector<ResponseAttribute> image;
      if (k % 2 == 0) image.push_back({kPatientAge, "AS", {"045Y"}, {}});
      fixture.push_back({QueryLevel::kImage, uid + ".1.1", uid + ".1", std::move(image)});
      inserted_.push_back(uid);
    }
    ASSERT_TRUE(LoadFixture(temp_->db(), fixture).ok());
  }

  FindRequest Request(std::vector<QueryKey> keys) {
    keys.push_back({kQueryRetrieveLevel, "CS", "STUDY", {}});
    if (std::none_of(keys.begin(), keys.end(), [](const QueryKey& k) { return k.tag == kPatientAge; })) {
      keys.push_back({kPatientAge, "AS", "", {}});  // a header return column in every request
    }
    auto request = MakeFindRequest(InformationModel::kStudyRoot, std::move(keys));
    EXPECT_TRUE(request.ok()) << request.status().ToString();
    return *request;
  }

  // The Study Instance UIDs of one window (every match without one).
  std::vector<std::string> Uids(const FindRequest& request, std::optional<FindPage> page) {
    std::vector<std::string> uids;
    auto cursor = FindCursor::Open(temp_->db(), request, FindOptions{}, page);
    EXPECT_TRUE(cursor.ok()) << cursor.status().ToString();
    if (!cursor.ok()) return uids;
    for (;;) {
      auto next = cursor->Next();
      EXPECT_TRUE(next.ok()) << next.status().ToString();
      if (!next.ok() || !next->has_value()) break;
      uids.push_back((*next)->Find(kStudyInstanceUid)->values.at(0));
    }
    return uids;
  }

  // Pages of `size` until one comes back short; checks each and returns them joined.
  std::vector<std::string> AllPages(const FindRequest& request, size_t size) {
    std::vector<std::string> joined;
    for (size_t offset = 0;; offset += size) {
      const auto page = Uids(request, FindPage{offset, size});
      EXPECT_LE(page.size(), size);
      joined.insert(joined.end(), page.begin(), page.end());
      if (page.size() < size) break;
    }
    return joined;
  }

  std::vector<std::string> inserted_;  // Study Instance UIDs in the order they were indexed
};

TEST_F(FindPageTest, PagesReturnEveryStudyExactlyOnceInIndexOrder) {
  const FindRequest all = Request({});
  for (size_t size : {1u, 4u, 5u, 23u, 100u}) {
    EXPECT_EQ(AllPages(all, size), inserted_) << "pages of " << size;
  }
  // Without a limit: everything after the offset.
  const auto tail = Uids(all, FindPage{20, std::nullopt});
  EXPECT_EQ(tail, std::vector<std::string>(inserted_.begin() + 20, inserted_.end()));
}

TEST_F(FindPageTest, PagesOfAFilteredSearchPartitionItsMatches) {
  const QueryKey march{{0x0008, 0x0020}, "DA", "20240301-20240331", {}};
  const QueryKey ct{{0x0008, 0x0061}, "CS", "CT", {}};
  const QueryKey aged{kPatientAge, "AS", "045Y", {}};
  const QueryKey patient{kPatientId, "LO", "P2", {}};
  for (const auto& keys : std::vector<std::vector<QueryKey>>{{march}, {ct, march}, {aged}, {patient, aged}}) {
    const FindRequest request = Request(keys);
    const auto unpaged = Uids(request, std::nullopt);
    ASSERT_FALSE(unpaged.empty());
    ASSERT_LT(unpaged.size(), static_cast<size_t>(kStudies)) << "the filter filters: " << keys.front().tag.ToString();
    std::vector<std::string> expected;  // the matches, in index order
    for (const auto& uid : inserted_) {
      if (std::count(unpaged.begin(), unpaged.end(), uid)) expected.push_back(uid);
    }
    const auto paged = AllPages(request, 3);
    EXPECT_EQ(paged, expected) << keys.front().tag.ToString();
    EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()).size(), paged.size())
        << "no study twice";
  }
}

TEST_F(FindPageTest, AWindowPastTheEndIsEmpty) {
  const FindRequest all = Request({});
  EXPECT_TRUE(Uids(all, FindPage{kStudies, 5}).empty());
  EXPECT_TRUE(Uids(all, FindPage{kStudies + 100, std::nullopt}).empty());
  EXPECT_TRUE(Uids(all, FindPage{std::numeric_limits<size_t>::max(), 5}).empty());
  EXPECT_TRUE(Uids(all, FindPage{0, 0}).empty());
  EXPECT_EQ(Uids(all, FindPage{kStudies - 1, std::numeric_limits<size_t>::max()}),
            std::vector<std::string>{inserted_.back()});
}

TEST_F(FindPageTest, TheWindowIsPartOfTheSql) {
  auto plan = BuildSqlPlan(Request({{kPatientAge, "AS", "045Y", {}}}), FindOptions{},
                           SqliteDialect::Instance(), FindPage{40, 10});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_NE(plan->sql.find(" ORDER BY st.study_pk LIMIT ? OFFSET ?)"), std::string::npos) << plan->sql;
  ASSERT_GE(plan->params.size(), 2u);
  EXPECT_EQ(plan->params[plan->params.size() - 2].integer, 10);
  EXPECT_EQ(plan->params.back().integer, 40);
  auto unpaged = BuildSqlPlan(Request({}), FindOptions{}, SqliteDialect::Instance());
  ASSERT_TRUE(unpaged.ok());
  EXPECT_EQ(unpaged->sql.find("LIMIT"), std::string::npos) << "C-FIND streams every match";
}

}  // namespace
}  // namespace pixeldex::query::testing
