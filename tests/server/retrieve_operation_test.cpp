// RetrieveOperation (server/retrieve/retrieve_operation.h): the decisions of
// a C-GET or C-MOVE, made without a socket; the sub-operations are run by a
// fake sender. Refusals (0122, A900), sub-operation counting in pending and
// final responses (PS3.4 C.4.2.1.5), the final status from the counts
// (0000, B000, A702), the Failed SOP Instance UID List, C-CANCEL (FE00), a
// lost sub-association and a stopping server, and the history they leave.

#include "server/retrieve/retrieve_operation.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "tests/server/server_context_fixture.h"

namespace pixeldex::server {
namespace {

using Outcome = SubOperationResult::Outcome;
using testing::Identifier;
using testing::TestInstance;

// The responses a provider would send, with what they carry.
struct Response {
  T_DIMSE_C_GetRSP rsp{};
  std::unique_ptr<DcmDataset> detail;
  std::unique_ptr<DcmDataset> ids;
};

class RetrieveOperationTest : public testing::ServerContextFixture {
 protected:
  void SetUp() override {
    ServerContextFixture::SetUp();
    study_ = testing::UniqueUid("1.");
    for (int i = 0; i < 3; ++i) {
      TestInstance t;
      t.study_uid = study_;
      t.sop_instance_uid = testing::UniqueUid("3.");
      t.instance_number = i + 1;
      Catalog(t);
    }
    retrieve_.server = &context();
    retrieve_.reader = [this] { return FindReader(); };
    retrieve_.calling_ae = "GETSCU";
  }
  std::unique_ptr<DcmDataset> TheStudy() const {
    return Identifier({{DCM_QueryRetrieveLevel, "STUDY"}, {DCM_StudyInstanceUID, study_}});
  }
  // Runs the operation as DIMSE_getProvider would, the sender answering the
  // n-th sub-operation with outcomes[n] (kCompleted past the list's end);
  // `cancel_before` cancels before that response. Every response, in order.
  std::vector<Response> Run(RetrieveOperation& op, const std::vector<Outcome>& outcomes,
                            int cancel_before = -1, int lose_association_at = -1) {
    std::vector<Response> responses;
    auto identifier = TheStudy();
    if (!op.Start(UID_GETStudyRootQueryRetrieveInformationModel, identifier.get())) {
      responses.push_back(Final(op));
      return responses;
    }
    size_t sent = 0;
    const RetrieveOperation::Sender send = [&](const SubOperation& sub,
                                               SubOperationResult* result) {
      sent_files_.push_back(sub.file);
      const size_t n = sent++;
      result->outcome = n < outcomes.size() ? outcomes[n] : Outcome::kCompleted;
      if (result->outcome != Outcome::kCompleted) result->reason = "refused by the peer";
      if (static_cast<int>(n) == lose_association_at) return OFCondition(DIMSE_READPDVFAILED);
      return OFCondition(EC_Normal);
    };
    while (responses.size() < 20) {
      Response r;
      DcmDataset* detail = nullptr;
      DcmDataset* ids = nullptr;
      const bool cancel = static_cast<int>(responses.size()) == cancel_before;
      op.Advance(cancel, send, &r.rsp, &detail, &ids);
      r.detail.reset(detail);
      r.ids.reset(ids);
      const bool pending = r.rsp.DimseStatus == STATUS_Pending;
      responses.push_back(std::move(r));
      if (!pending) break;
    }
    op.Report();
    return responses;
  }
  static Response Final(const RetrieveOperation& op) {
    Response r;
    DcmDataset* detail = nullptr;
    DcmDataset* ids = nullptr;
    op.FillFinal(&r.rsp, &detail, &ids);
    r.detail.reset(detail);
    r.ids.reset(ids);
    return r;
  }
  static std::string FailedUids(const Response& r) {
    OFString list;
    if (r.ids) r.ids->findAndGetOFStringArray(DCM_FailedSOPInstanceUIDList, list);
    return list.c_str();
  }

  std::string study_;
  RetrieveContext retrieve_;
  std::vector<std::filesystem::path> sent_files_;
};

TEST_F(RetrieveOperationTest, EverySubOperationCompletedIsSuccess) {
  RetrieveOperation op("C-GET", metrics_.gets, retrieve_);
  const auto responses = Run(op, {});
  ASSERT_EQ(responses.size(), 4u);  // three pending, one final
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(responses[i].rsp.DimseStatus, STATUS_Pending);
    EXPECT_EQ(responses[i].rsp.NumberOfRemainingSubOperations, 2 - i);
    EXPECT_EQ(responses[i].rsp.NumberOfCompletedSubOperations, i + 1);
  }
  const Response& final = responses.back();
  EXPECT_EQ(final.rsp.DimseStatus, STATUS_Success);
  EXPECT_EQ(final.rsp.NumberOfCompletedSubOperations, 3);
  EXPECT_EQ(final.rsp.NumberOfFailedSubOperations, 0);
  EXPECT_FALSE(final.rsp.opts & O_GET_NUMBEROFREMAININGSUBOPERATIONS);  // PS3.4 C.4.3.1.4
  EXPECT_EQ(final.ids, nullptr);
  ASSERT_EQ(sent_files_.size(), 3u);
  for (const auto& file : sent_files_) EXPECT_TRUE(std::filesystem::exists(file)) << file;
  EXPECT_EQ(Events("retrieve"), 1);
  EXPECT_EQ(probe_.Count("SELECT COUNT(*) FROM events WHERE kind = 'retrieve' AND "
                         "calling_aet = 'GETSCU' AND status_code = 0"),
            1);
}

TEST_F(RetrieveOperationTest, MixedOutcomesAreB000WithCountsAndTheFailedUids) {
  RetrieveOperation op("C-GET", metrics_.gets, retrieve_);
  const auto responses = Run(op, {Outcome::kCompleted, Outcome::kFailed, Outcome::kWarning});
  const Response& final = responses.back();
  EXPECT_EQ(final.rsp.DimseStatus, STATUS_GET_Warning_SubOperationsCompleteOneOrMoreFailures);
  EXPECT_EQ(final.rsp.NumberOfCompletedSubOperations, 1);
  EXPECT_EQ(final.rsp.NumberOfFailedSubOperations, 1);
  EXPECT_EQ(final.rsp.NumberOfWarningSubOperations, 1);
  EXPECT_EQ(FailedUids(final), op.instances()[1].sop_instance_uid);
  EXPECT_EQ(Events("retrieve_failed"), 1);
  EXPECT_EQ(Events("retrieve_warning"), 1);
}

TEST_F(RetrieveOperationTest, EverySubOperationFailedIsA702) {
  RetrieveOperation op("C-GET", metrics_.gets, retrieve_);
  const auto responses = Run(op, {Outcome::kFailed, Outcome::kFailed, Outcome::kFailed});
  const Response& final = responses.back();
  EXPECT_EQ(final.rsp.DimseStatus, STATUS_GET_Refused_OutOfResourcesSubOperations);  // A702
  EXPECT_EQ(final.rsp.NumberOfFailedSubOperations, 3);
  std::string expected;
  for (const auto& instance : op.instances()) {
    expected += (expected.empty() ? "" : "\\") + instance.sop_instance_uid;
  }
  EXPECT_EQ(FailedUids(final), expected);
}

TEST_F(RetrieveOperationTest, CancelStopsBetweenSubOperationsWithFE00AndRemaining) {
  RetrieveOperation op("C-GET", metrics_.gets, retrieve_);
  const auto responses = Run(op, {}, /*cancel_before=*/1);
  ASSERT_EQ(responses.size(), 2u);
  const Response& final = responses.back();
  EXPECT_EQ(final.rsp.DimseStatus, STATUS_GET_Cancel_SubOperationsTerminatedDueToCancelIndication);
  EXPECT_EQ(final.rsp.NumberOfCompletedSubOperations, 1);
  EXPECT_TRUE(final.rsp.opts & O_GET_NUMBEROFREMAININGSUBOPERATIONS);
  EXPECT_EQ(final.rsp.NumberOfRemainingSubOperations, 2);
  EXPECT_EQ(sent_files_.size(), 1u);
}

TEST_F(RetrieveOperationTest, LostAssociationFailsEveryRemainingSubOperation) {
  RetrieveOperation op("C-MOVE", metrics_.moves, retrieve_);
  const auto responses = Run(op, {}, -1, /*lose_association_at=*/0);
  ASSERT_EQ(responses.size(), 1u);  // no pending response after the loss
  const Response& final = responses.back();
  // The one sent had its response: some completed, some failed.
  EXPECT_EQ(final.rsp.DimseStatus, STATUS_MOVE_Warning_SubOperationsCompleteOneOrMoreFailures);
  EXPECT_EQ(final.rsp.NumberOfCompletedSubOperations, 1);
  EXPECT_EQ(final.rsp.NumberOfFailedSubOperations, 2);
  EXPECT_EQ(probe_.Count("SELECT COUNT(*) FROM events WHERE kind = 'retrieve_failed' AND "
                         "detail LIKE '%2 sub-operations not attempted: association lost%'"),
            1);
}

TEST_F(RetrieveOperationTest, StoppingServerFailsWhatIsNotSent) {
  RetrieveOperation op("C-GET", metrics_.gets, retrieve_);
  stopping_ = true;
  const auto responses = Run(op, {});
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].rsp.DimseStatus, STATUS_GET_Refused_OutOfResourcesSubOperations);
  EXPECT_EQ(responses[0].rsp.NumberOfFailedSubOperations, 3);
  EXPECT_TRUE(sent_files_.empty());
}

TEST_F(RetrieveOperationTest, RefusalsCarryNoCounts) {
  struct Case {
    const char* sop_class;
    std::unique_ptr<DcmDataset> identifier;
    Uint16 status;
  };
  std::vector<Case> cases;
  cases.push_back({UID_FINDStudyRootQueryRetrieveInformationModel, TheStudy(),
                   STATUS_GET_Refused_SOPClassNotSupported});  // 0122
  cases.push_back({UID_GETStudyRootQueryRetrieveInformationModel, nullptr,
                   STATUS_GET_Error_DataSetDoesNotMatchSOPClass});  // A900
  cases.push_back({UID_GETStudyRootQueryRetrieveInformationModel,
                   Identifier({{DCM_QueryRetrieveLevel, "STUDY"}}),  // no unique key
                   STATUS_GET_Error_DataSetDoesNotMatchSOPClass});
  for (Case& c : cases) {
    RetrieveOperation op("C-GET", metrics_.gets, retrieve_);
    EXPECT_FALSE(op.Start(c.sop_class, c.identifier.get()));
    const Response r = Final(op);
    EXPECT_EQ(r.rsp.DimseStatus, c.status);
    EXPECT_FALSE(r.rsp.opts & O_GET_NUMBEROFCOMPLETEDSUBOPERATIONS);
    ASSERT_NE(r.detail, nullptr);  // the Error Comment says why
    OFString comment;
    EXPECT_TRUE(r.detail->findAndGetOFString(DCM_ErrorComment, comment).good());
    EXPECT_FALSE(comment.empty());
  }
}

TEST_F(RetrieveOperationTest, UnreadableIndexIsC000) {
  retrieve_.reader = [] { return Result<query::IndexReader*>(Status::IoError("disk gone")); };
  RetrieveOperation op("C-GET", metrics_.gets, retrieve_);
  auto identifier = TheStudy();
  EXPECT_FALSE(op.Start(UID_GETStudyRootQueryRetrieveInformationModel, identifier.get()));
  EXPECT_EQ(Final(op).rsp.DimseStatus, STATUS_GET_Failed_UnableToProcess);
}

}  // namespace
}  // namespace pixeldex::server
