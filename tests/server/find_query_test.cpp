// FindQuery (server/find/find_query.h): the responses of one C-FIND,
// decided without a socket (PS3.4 C.4.1): the SOP Classes served, level and
// key validation (A900), one pending response per match then 0000, C-CANCEL
// (FE00), the limits (A700) and an unusable index (C000).

#include "server/find/find_query.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include <optional>
#include <set>

#include "tests/server/server_context_fixture.h"

namespace pixeldex::server {
namespace {

using testing::Identifier;
using testing::TestInstance;

const std::string kStudyRoot = UID_FINDStudyRootQueryRetrieveInformationModel;

class FindQueryTest : public testing::ServerContextFixture {
 protected:
  void SetUp() override {
    ServerContextFixture::SetUp();
    context_.reader = [this] { return FindReader(); };
    context_.calling_ae = "FINDSCU";
    // Two studies of patient PID-7, one of PID-8.
    for (const char* patient : {"PID-7", "PID-7", "PID-8"}) {
      TestInstance t;
      t.patient_id = patient;
      t.study_uid = testing::UniqueUid("1.");
      t.series_uid = testing::UniqueUid("2.");
      t.sop_instance_uid = testing::UniqueUid("3.");
      Catalog(t);
    }
  }
  std::unique_ptr<DcmDataset> StudiesOf(const std::string& patient_id) {
    return Identifier({{DCM_QueryRetrieveLevel, "STUDY"},
                       {DCM_PatientID, patient_id},
                       {DCM_StudyInstanceUID, ""}});
  }
  // Every answer of one request, by a fresh query_, until the final one.
  std::vector<FindAnswer> Run(const std::string& sop_class, DcmDataset* identifier) {
    query_.emplace(context_, nullptr);
    std::vector<FindAnswer> answers;
    if (auto refused = query_->Start(sop_class, identifier)) {
      answers.push_back(std::move(*refused));
      return answers;
    }
    do {
      answers.push_back(query_->Next(false));
    } while (answers.back().pending() && answers.size() < 100);
    return answers;
  }
  // Run() of a Study Root query for the studies of `patient_id`.
  std::vector<FindAnswer> RunStudiesOf(const std::string& patient_id) {
    auto identifier = StudiesOf(patient_id);
    return Run(kStudyRoot, identifier.get());
  }
  FindContext context_;
  std::optional<FindQuery> query_;
};

TEST_F(FindQueryTest, AnswersOnePendingResponsePerMatchThenSuccess) {
  const auto answers = RunStudiesOf("PID-7");
  ASSERT_EQ(answers.size(), 3u);
  std::set<std::string> studies;
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(answers[i].status, STATUS_FIND_Pending_MatchesAreContinuing);  // FF00
    ASSERT_NE(answers[i].identifier, nullptr);
    OFString patient, study;
    answers[i].identifier->findAndGetOFString(DCM_PatientID, patient);
    answers[i].identifier->findAndGetOFString(DCM_StudyInstanceUID, study);
    EXPECT_EQ(patient, "PID-7");
    studies.insert(study.c_str());
  }
  EXPECT_EQ(studies.size(), 2u);
  EXPECT_EQ(answers[2].status, STATUS_FIND_Success);
  EXPECT_EQ(answers[2].identifier, nullptr);
  EXPECT_EQ(query_->level(), "STUDY");
  EXPECT_EQ(query_->matches(), 2u);
  EXPECT_EQ(query_->final_status(), STATUS_FIND_Success);
}

TEST_F(FindQueryTest, PatientRootIsServedToo) {
  auto identifier = Identifier({{DCM_QueryRetrieveLevel, "PATIENT"}, {DCM_PatientID, "PID-8"}});
  const auto answers = Run(UID_FINDPatientRootQueryRetrieveInformationModel, identifier.get());
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_TRUE(answers[0].pending());
  EXPECT_EQ(answers[1].status, STATUS_FIND_Success);
}

TEST_F(FindQueryTest, OtherSopClassIsNotSupported) {
  auto identifier = StudiesOf("PID-7");
  const auto answers = Run(UID_FINDModalityWorklistInformationModel, identifier.get());
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, STATUS_FIND_Refused_SOPClassNotSupported);  // 0122
  EXPECT_NE(answers[0].comment.find("SOP class not supported"), std::string::npos);
}

TEST_F(FindQueryTest, MissingIdentifierOrInvalidLevelIsA900) {
  std::vector<std::unique_ptr<DcmDataset>> identifiers;
  identifiers.push_back(nullptr);
  identifiers.push_back(Identifier({{DCM_QueryRetrieveLevel, "ROOM"}}));
  // A key below the level (PS3.4 C.4.1.2.1).
  identifiers.push_back(Identifier({{DCM_QueryRetrieveLevel, "STUDY"}, {DCM_SOPInstanceUID, ""}}));
  for (const auto& identifier : identifiers) {
    const auto answers = Run(kStudyRoot, identifier.get());
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].status, STATUS_FIND_Error_DataSetDoesNotMatchSOPClass);  // A900
    EXPECT_FALSE(answers[0].comment.empty());
  }
}

TEST_F(FindQueryTest, CancelEndsMatchingWithFE00) {
  FindQuery query(context_, {});
  auto identifier = StudiesOf("PID-7");
  ASSERT_FALSE(query.Start(kStudyRoot, identifier.get()).has_value());
  EXPECT_TRUE(query.Next(false).pending());
  const FindAnswer cancelled = query.Next(true);
  EXPECT_EQ(cancelled.status, STATUS_FIND_Cancel_MatchingTerminatedDueToCancelRequest);
  EXPECT_EQ(query.matches(), 1u);
}

TEST_F(FindQueryTest, MoreMatchesThanTheLimitEndInA700AfterTheLimit) {
  context_.options.max_results = 1;
  const auto answers = RunStudiesOf("PID-7");
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_TRUE(answers[0].pending());
  EXPECT_EQ(answers[1].status, STATUS_FIND_Refused_OutOfResources);  // PS3.4 C.4.1.1.4
  EXPECT_EQ(answers[1].comment, "result limit of 1 reached");
}

TEST_F(FindQueryTest, MoreKeysThanTheLimitAreA700) {
  context_.options.max_keys = 1;
  const auto answers = RunStudiesOf("PID-7");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, STATUS_FIND_Refused_OutOfResources);
  EXPECT_NE(answers[0].comment.find("more than 1"), std::string::npos) << answers[0].comment;
}

TEST_F(FindQueryTest, UnavailableIndexIsC000) {
  context_.reader = [] { return Result<query::IndexReader*>(Status::IoError("disk gone")); };
  const auto answers = RunStudiesOf("PID-7");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, STATUS_FIND_Failed_UnableToProcess);
  EXPECT_NE(answers[0].comment.find("index unavailable"), std::string::npos);
}

TEST_F(FindQueryTest, UnknownSpecificCharacterSetIsC000) {
  auto identifier = StudiesOf("PID-7");
  identifier->putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 999");
  const auto answers = Run(kStudyRoot, identifier.get());
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, STATUS_FIND_Failed_UnableToProcess);
  EXPECT_NE(answers[0].comment.find("Specific Character Set"), std::string::npos);
}

}  // namespace
}  // namespace pixeldex::server
