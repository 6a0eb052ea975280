// Differential test: random fixtures and random identifiers, the in-memory
// reference matcher against the SQL path. Seeds are fixed, so a failure is
// reproducible; the failing seed and identifier are printed.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "catalog/index/schema.h"
#include "catalog/query/attribute_catalog.h"
#include "catalog/query/constraint.h"
#include "catalog/query/find_engine.h"
#include "catalog/query/find_request.h"
#include "tests/query/fixture_index.h"
#include "tests/query/reference_matcher.h"
#include "tests/query/test_dictionary.h"

namespace pixeldex::query::testing {
namespace {

struct Pool {
  const char* keyword;
  QueryLevel level;
  std::vector<std::string> values;  // "" = absent/empty
};

const std::vector<Pool>& Pools() {
  static const std::vector<Pool> pools = {
      {"PatientName", QueryLevel::kPatient,
       {"Doe^John", "DOE^JANE", "Doeson^Mark", "Smith^Anna", "Müller^Jürgen", "100%_x", ""}},
      {"PatientSex", QueryLevel::kPatient, {"M", "F", "O", ""}},
      {"PatientBirthDate", QueryLevel::kPatient, {"19700101", "19851231", "20000229", ""}},
      // A study's own patient name, where its files differ from the patient's
      // other studies (shared or empty Patient ID; patient_identity.h).
      {"PatientName", QueryLevel::kStudy, {"Doe^John", "Anonymized", "Roe^Jane", ""}},
      {"StudyDate", QueryLevel::kStudy, {"20240101", "20240105", "20240107", "20231231", ""}},
      {"StudyTime", QueryLevel::kStudy, {"080000", "103015.123", "1100", "10", "235959.9", ""}},
      {"AccessionNumber", QueryLevel::kStudy, {"A1", "a1", "A10", "B_2", ""}},
      {"StudyDescription", QueryLevel::kStudy, {"CT Head", "ct head", "MR [Knee]", ""}},
      {"Modality", QueryLevel::kSeries, {"CT", "MR", "US", "ct", ""}},
      {"SeriesNumber", QueryLevel::kSeries, {"1", "2", "10", ""}},
      {"ImageType", QueryLevel::kImage, {"ORIGINAL\\PRIMARY", "DERIVED\\SECONDARY", "ORIGINAL", ""}},
      {"InstanceNumber", QueryLevel::kImage, {"1", "2", ""}},
      {"ContentDate", QueryLevel::kImage, {"20240101", "20240102", ""}},
      {"ContentTime", QueryLevel::kImage, {"0815", "081501.5", "1030", ""}},
  };
  return pools;
}

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}
  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }

  std::vector<FixtureEntity> Fixture() {
    std::vector<FixtureEntity> out;
    int uid = 0;
    auto add = [&](QueryLevel level, const std::string& label, const std::string& parent) {
      FixtureEntity e{level, label, parent, {}};
      for (const Pool& p : Pools()) {
        if (p.level != level) continue;
        Tag tag;
        std::string vr;
        LookupKeyword(p.keyword, &tag, &vr);
        const std::string& v = Pick(p.values);
        ResponseAttribute a{tag, vr, {}, {}};
        for (size_t s = 0, e2; s <= v.size() && !v.empty(); s = e2 + 1) {
          e2 = std::min(v.find('\\', s), v.size());
          a.values.push_back(v.substr(s, e2 - s));
        }
        if (Below(5) > 0) e.attributes.push_back(std::move(a));  // sometimes absent
      }
      out.push_back(std::move(e));
      return label;
    };
    for (int p = 0; p < 4; ++p) {
      const std::string pid = add(QueryLevel::kPatient, "P" + std::to_string(p), "");
      for (size_t s = 0, ns = 1 + Below(3); s < ns; ++s) {
        const std::string st = add(QueryLevel::kStudy, "1." + std::to_string(++uid), pid);
        for (size_t r = 0, nr = 1 + Below(3); r < nr; ++r) {
          const std::string se = add(QueryLevel::kSeries, st + "." + std::to_string(r + 1), st);
          for (size_t i = 0, ni = 1 + Below(2); i < ni; ++i) {
            add(QueryLevel::kImage, se + "." + std::to_string(i + 1), se);
          }
        }
      }
    }
    return out;
  }

  // A key value derived from the pool: exact, universal, wildcard, range, list.
  std::string Value(const Pool& p, const std::string& vr) {
    std::string v = Pick(p.values);
    const size_t kind = Below(6);
    if (kind == 0 || v.empty()) return kind == 1 ? "*" : v;
    if (IsDateTimeVr(vr) && kind >= 3) {
      const std::string w = Pick(p.values);
      std::string lo = std::min(v, w), hi = std::max(v, w);
      if (vr == "TM") {
        lo = lo.substr(0, std::min<size_t>(lo.size(), 2 + 2 * Below(3)));
        hi = hi.substr(0, std::min<size_t>(hi.size(), 2 + 2 * Below(3)));
      }
      if (kind == 3) return lo + "-";
      if (kind == 4) return "-" + hi;
      return lo + "-" + hi;
    }
    if (kind == 2) return v + "\\" + Pick(p.values);
    if (!WildcardsExcluded(vr) && kind >= 3) {
      const size_t cut = Below(v.size());
      if (kind == 3) return v.substr(0, cut) + "*";
      if (kind == 4 && v[cut] >= 0) v[cut] = '?';
      if (kind == 5) return "*" + v.substr(cut);
      return v;
    }
    return v;
  }

 private:
  std::mt19937 rng_;
};

TEST(DifferentialTest, ReferenceMatcherAndSqlAgree) {
  size_t compared = 0, nonempty = 0;
  for (unsigned seed = 1; seed <= 40; ++seed) {
    Generator gen(seed);
    const auto fixture = gen.Fixture();
    auto temp = TempIndex::Create();
    ASSERT_TRUE(temp.ok());
    ASSERT_TRUE(LoadFixture(temp->db(), fixture).ok());
    for (int q = 0; q < 40; ++q) {
      const QueryLevel level = static_cast<QueryLevel>(1 + gen.Below(3));
      std::vector<QueryKey> keys{{kQueryRetrieveLevel, "CS", QueryLevelName(level), {}}};
      std::string described;
      for (size_t k = 0, nk = 1 + gen.Below(3); k < nk; ++k) {
        const Pool& p = gen.Pick(Pools());
        if (p.level > level) continue;
        QueryKey key;
        LookupKeyword(p.keyword, &key.tag, &key.vr);
        key.value = gen.Value(p, key.vr);
        described += std::string(p.keyword) + "=" + key.value + " ";
        keys.push_back(std::move(key));
      }
      FindOptions options;
      options.pn_case_insensitive = gen.Below(2) == 0;
      auto request = MakeFindRequest(InformationModel::kStudyRoot, keys, gen.Below(2) == 0);
      if (!request.ok()) continue;  // e.g. a duplicate key made invalid
      auto expected = ReferenceFind(fixture, *request, options);
      ASSERT_TRUE(expected.ok());
      std::vector<std::string> got;
      auto outcome = RunFind(temp->db(), *request, options, [&](const FindMatch& m) {
        got.push_back(m.Find(UniqueKeyOf(level))->values.at(0));
        return true;
      });
      ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
      std::sort(got.begin(), got.end());
      std::sort(expected->begin(), expected->end());
      ASSERT_EQ(got, *expected) << "seed " << seed << " level " << QueryLevelName(level)
                                << " combined " << request->combined_datetime << " keys "
                                << described;
      ++compared;
      if (!got.empty()) ++nonempty;
    }
  }
  EXPECT_GT(compared, 1000u);
  EXPECT_GT(nonempty, compared / 4);  // the generator produces matches, not only misses
}

}  // namespace
}  // namespace pixeldex::query::testing
