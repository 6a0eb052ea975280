// Retrieve identifiers (PS3.4 C.4.2.2.1, C.4.3.2.1): validation, and the
// instances listed under the matched entities at each level of both models.

#include "catalog/query/retrieve_request.h"

#include <gtest/gtest.h>

#include "tests/query/fixture_index.h"

namespace pixeldex::query::testing {
namespace {

QueryKey Key(Tag tag, std::string vr, std::string value) { return {tag, std::move(vr), std::move(value), {}}; }
QueryKey Level(const char* level) { return Key(kQueryRetrieveLevel, "CS", level); }

class RetrieveRequestTest : public TempIndexTest {
 protected:
  // Two patients; P1 has studies 1.1 (series 1.1.1 with 2 images, 1.1.2 with
  // 1) and 1.2 (one series, one image); P2 has study 2.1 with one image.
  void SetUp() override {
    TempIndexTest::SetUp();
    using E = FixtureEntity;
    const std::vector<FixtureEntity> fixture{
        E{QueryLevel::kPatient, "P1", ""},
        E{QueryLevel::kStudy, "1.1", "P1"},
        E{QueryLevel::kSeries, "1.1.1", "1.1"},
        E{QueryLevel::kImage, "1.1.1.1", "1.1.1", {{{0x0020, 0x0013}, "IS", {"1"}, {}}}},
        E{QueryLevel::kImage, "1.1.1.2", "1.1.1", {{{0x0020, 0x0013}, "IS", {"2"}, {}}}},
        E{QueryLevel::kSeries, "1.1.2", "1.1"},
        E{QueryLevel::kImage, "1.1.2.1", "1.1.2"},
        E{QueryLevel::kStudy, "1.2", "P1"},
        E{QueryLevel::kSeries, "1.2.1", "1.2"},
        E{QueryLevel::kImage, "1.2.1.1", "1.2.1"},
        E{QueryLevel::kPatient, "P2", ""},
        E{QueryLevel::kStudy, "2.1", "P2"},
        E{QueryLevel::kSeries, "2.1.1", "2.1"},
        E{QueryLevel::kImage, "2.1.1.1", "2.1.1"},
    };
    ASSERT_TRUE(LoadFixture(temp_->db(), fixture).ok());
  }

  // The SOP Instance UIDs a retrieve selects; "error: ..." when refused.
  std::vector<std::string> Retrieve(InformationModel model, std::vector<QueryKey> keys) {
    auto request = MakeRetrieveRequest(model, std::move(keys));
    if (!request.ok()) return {"error: " + request.status().message()};
    SqliteIndexReader reader(temp_->db());
    auto instances = ListRetrieveInstances(reader, *request);
    if (!instances.ok()) return {"error: " + instances.status().message()};
    std::vector<std::string> uids;
    for (const auto& i : *instances) uids.push_back(i.sop_instance_uid);
    return uids;
  }
};

using Uids = std::vector<std::string>;

TEST_F(RetrieveRequestTest, PatientLevelSelectsEveryInstanceOfThePatient) {
  EXPECT_EQ(Retrieve(InformationModel::kPatientRoot, {Level("PATIENT"), Key(kPatientId, "LO", "P1")}),
            (Uids{"1.1.1.1", "1.1.1.2", "1.1.2.1", "1.2.1.1"}));
}

TEST_F(RetrieveRequestTest, StudyLevelInBothModels) {
  EXPECT_EQ(Retrieve(InformationModel::kStudyRoot, {Level("STUDY"), Key(kStudyInstanceUid, "UI", "1.2")}),
            (Uids{"1.2.1.1"}));
  EXPECT_EQ(Retrieve(InformationModel::kPatientRoot,
                     {Level("STUDY"), Key(kPatientId, "LO", "P1"), Key(kStudyInstanceUid, "UI", "1.1")}),
            (Uids{"1.1.1.1", "1.1.1.2", "1.1.2.1"}));
}

TEST_F(RetrieveRequestTest, AParentKeyThatDoesNotMatchSelectsNothing) {
  EXPECT_EQ(Retrieve(InformationModel::kPatientRoot,
                     {Level("STUDY"), Key(kPatientId, "LO", "P2"), Key(kStudyInstanceUid, "UI", "1.1")}),
            Uids{});
}

TEST_F(RetrieveRequestTest, UidListsAtTheRetrieveLevel) {
  EXPECT_EQ(Retrieve(InformationModel::kStudyRoot,
                     {Level("SERIES"), Key(kStudyInstanceUid, "UI", "1.1"),
                      Key(kSeriesInstanceUid, "UI", "1.1.2\\1.1.1")}),
            (Uids{"1.1.1.1", "1.1.1.2", "1.1.2.1"}));
  EXPECT_EQ(Retrieve(InformationModel::kStudyRoot,
                     {Level("IMAGE"), Key(kSopInstanceUid, "UI", "2.1.1.1\\1.1.1.2\\9.9")}),
            (Uids{"1.1.1.2", "2.1.1.1"}));
  EXPECT_EQ(Retrieve(InformationModel::kStudyRoot,
                     {Level("STUDY"), Key(kStudyInstanceUid, "UI", "1.2\\2.1")}),
            (Uids{"1.2.1.1", "2.1.1.1"}));
}

TEST_F(RetrieveRequestTest, NonUniqueKeysAreNotUsedForMatching) {
  EXPECT_EQ(Retrieve(InformationModel::kStudyRoot,
                     {Level("STUDY"), Key(kStudyInstanceUid, "UI", "1.2"),
                      Key({0x0010, 0x0010}, "PN", "Nobody")}),
            (Uids{"1.2.1.1"}));
}

TEST_F(RetrieveRequestTest, BadIdentifiersAreRefused) {
  auto refused = [&](InformationModel model, std::vector<QueryKey> keys) {
    const Uids result = Retrieve(model, std::move(keys));
    return result.size() == 1 && result[0].rfind("error: ", 0) == 0;
  };
  const auto study_root = InformationModel::kStudyRoot;
  EXPECT_TRUE(refused(study_root, {Key(kStudyInstanceUid, "UI", "1.1")}));  // no level
  EXPECT_TRUE(refused(study_root, {Level("PATIENT"), Key(kPatientId, "LO", "P1")}));
  EXPECT_TRUE(refused(study_root, {Level("STUDY")}));  // no unique key
  EXPECT_TRUE(refused(study_root, {Level("STUDY"), Key(kStudyInstanceUid, "UI", "")}));
  EXPECT_TRUE(refused(study_root, {Level("STUDY"), Key(kStudyInstanceUid, "UI", "1.*")}));
  EXPECT_TRUE(refused(InformationModel::kPatientRoot, {Level("PATIENT"), Key(kPatientId, "LO", "P*")}));
  EXPECT_TRUE(refused(study_root, {Level("STUDY"), Key(kStudyInstanceUid, "UI", "1.1"),
                                   Key(kSeriesInstanceUid, "UI", "1.1.1")}));  // below the level
  EXPECT_TRUE(refused(study_root, {Level("SERIES"), Key(kStudyInstanceUid, "UI", "1.1\\1.2"),
                                   Key(kSeriesInstanceUid, "UI", "1.1.1")}));  // list above
}

TEST_F(RetrieveRequestTest, InstancesCarryWhatTheSubOperationNeeds) {
  auto request = MakeRetrieveRequest(InformationModel::kStudyRoot,
                                     {Level("IMAGE"), Key(kSopInstanceUid, "UI", "1.2.1.1")});
  ASSERT_TRUE(request.ok());
  SqliteIndexReader reader(temp_->db());
  auto instances = ListRetrieveInstances(reader, *request);
  ASSERT_TRUE(instances.ok());
  ASSERT_EQ(instances->size(), 1u);
  EXPECT_EQ((*instances)[0].sop_class_uid, "1.2.840.10008.5.1.4.1.1.7");
  EXPECT_EQ((*instances)[0].transfer_syntax_uid, "1.2.840.10008.1.2.1");
  EXPECT_EQ((*instances)[0].path, "1.2.1.1.dcm");
}

}  // namespace
}  // namespace pixeldex::query::testing
