// End-to-end C-GET with a client of our own, for what getscu cannot do:
// interrupt a C-GET with C-CANCEL (PS3.4 C.4.3.2, PS3.7 9.3.3.3) or a server
// stop when the second C-STORE-RQ arrives, before answering it (so the server
// must stop after that sub-operation: exactly two of study A's three
// instances arrive), and accept storage in a compressed syntax only. The
// client is plain DIMSE calls.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "tests/e2e/retrieve_fixture.h"

namespace pixeldex::testing {
namespace {

constexpr int kTimeoutSeconds = 30;
constexpr T_ASC_PresentationContextID kGetContext = 1;
constexpr T_ASC_PresentationContextID kStoreContext = 3;

struct GetOutcome {
  int stores_received = 0;
  std::vector<std::unique_ptr<DcmDataset>> received;  // in arrival order
  Uint16 final_status = 0;
  T_DIMSE_C_GetRSP final_response{};
  std::string error;  // a DIMSE failure
};

// What the client does at its chosen moment, given the association and the
// C-GET's message ID.
using Interrupt = std::function<OFCondition(T_ASC_Association*, DIC_US)>;

OFCondition Cancel(T_ASC_Association* assoc, DIC_US get_message_id) {
  return DIMSE_sendCancelRequest(assoc, kGetContext, get_message_id);
}

struct GetRequest {
  std::string study_uid;
  // The one syntax proposed for CT Image Storage (with the SCP role).
  const char* storage_syntax = UID_LittleEndianExplicitTransferSyntax;
  // Interrupts on the `at`th C-STORE-RQ (before answering it), or after the
  // final response with `at` < 0; 0: never.
  int at = 0;
  Interrupt interrupt;
};

// C-GET of one study on a fresh association, released at the end.
GetOutcome Get(int port, const GetRequest& r) {
  GetOutcome outcome;
  T_ASC_Network* net = nullptr;
  T_ASC_Parameters* params = nullptr;
  T_ASC_Association* assoc = nullptr;
  ASC_initializeNetwork(NET_REQUESTOR, 0, kTimeoutSeconds, &net);
  ASC_createAssociationParameters(&params, ASC_DEFAULTMAXPDU);
  ASC_setAPTitles(params, "CANCELER", "PIXELDEX", nullptr);
  const std::string address = "127.0.0.1:" + std::to_string(port);
  ASC_setPresentationAddresses(params, "localhost", address.c_str());
  const char* query_syntaxes[] = {UID_LittleEndianExplicitTransferSyntax};
  ASC_addPresentationContext(params, kGetContext, UID_GETStudyRootQueryRetrieveInformationModel,
                             query_syntaxes, 1);
  // PS3.7 D.3.3.4: we act as Storage SCP for the sub-operations.
  const char* storage_syntaxes[] = {r.storage_syntax};
  ASC_addPresentationContext(params, kStoreContext, UID_CTImageStorage, storage_syntaxes, 1,
                             ASC_SC_ROLE_SCP);
  OFCondition cond = ASC_requestAssociation(net, params, &assoc);
  if (cond.bad()) {
    outcome.error = std::string("association: ") + cond.text();
    ASC_dropNetwork(&net);
    return outcome;
  }
  T_DIMSE_Message request{};
  request.CommandField = DIMSE_C_GET_RQ;
  T_DIMSE_C_GetRQ& get = request.msg.CGetRQ;
  get.MessageID = assoc->nextMsgID++;
  OFStandard::strlcpy(get.AffectedSOPClassUID, UID_GETStudyRootQueryRetrieveInformationModel,
                      sizeof(get.AffectedSOPClassUID));
  get.Priority = DIMSE_PRIORITY_MEDIUM;
  get.DataSetType = DIMSE_DATASET_PRESENT;
  DcmDataset identifier;
  identifier.putAndInsertString(DCM_QueryRetrieveLevel, "STUDY");
  identifier.putAndInsertString(DCM_StudyInstanceUID, r.study_uid.c_str());
  cond = DIMSE_sendMessageUsingMemoryData(assoc, kGetContext, &request, nullptr, &identifier,
                                          nullptr, nullptr);
  while (cond.good()) {
    T_DIMSE_Message in{};
    T_ASC_PresentationContextID pres_id = 0;
    cond = DIMSE_receiveCommand(assoc, DIMSE_NONBLOCKING, kTimeoutSeconds, &pres_id, &in, nullptr);
    if (cond.bad()) break;
    DcmDataset* data = nullptr;
    const bool has_data = (in.CommandField == DIMSE_C_STORE_RQ &&
                           in.msg.CStoreRQ.DataSetType != DIMSE_DATASET_NULL) ||
                          (in.CommandField == DIMSE_C_GET_RSP &&
                           in.msg.CGetRSP.DataSetType != DIMSE_DATASET_NULL);
    if (has_data) {
      cond = DIMSE_receiveDataSetInMemory(assoc, DIMSE_NONBLOCKING, kTimeoutSeconds, &pres_id,
                                          &data, nullptr, nullptr);
    }
    std::unique_ptr<DcmDataset> data_owner(data);
    if (cond.bad()) break;
    if (in.CommandField == DIMSE_C_STORE_RQ) {
      outcome.received.push_back(std::move(data_owner));
      if (++outcome.stores_received == r.at) {
        cond = r.interrupt(assoc, get.MessageID);
        if (cond.bad()) break;
      }
      T_DIMSE_C_StoreRSP rsp{};
      rsp.MessageIDBeingRespondedTo = in.msg.CStoreRQ.MessageID;
      rsp.DimseStatus = STATUS_Success;
      rsp.DataSetType = DIMSE_DATASET_NULL;
      OFStandard::strlcpy(rsp.AffectedSOPClassUID, in.msg.CStoreRQ.AffectedSOPClassUID,
                          sizeof(rsp.AffectedSOPClassUID));
      OFStandard::strlcpy(rsp.AffectedSOPInstanceUID, in.msg.CStoreRQ.AffectedSOPInstanceUID,
                          sizeof(rsp.AffectedSOPInstanceUID));
      rsp.opts = O_STORE_AFFECTEDSOPCLASSUID | O_STORE_AFFECTEDSOPINSTANCEUID;
      cond = DIMSE_sendStoreResponse(assoc, pres_id, &in.msg.CStoreRQ, &rsp, nullptr);
    } else if (in.CommandField == DIMSE_C_GET_RSP) {
      if (in.msg.CGetRSP.DimseStatus != STATUS_Pending) {
        outcome.final_status = in.msg.CGetRSP.DimseStatus;
        outcome.final_response = in.msg.CGetRSP;
        break;
      }
    } else {
      outcome.error = "unexpected command";
      break;
    }
  }
  if (cond.good() && r.at < 0) cond = r.interrupt(assoc, get.MessageID);
  if (cond.good()) cond = ASC_releaseAssociation(assoc);
  if (cond.bad()) {
    outcome.error = cond.text();
    ASC_abortAssociation(assoc);
  }
  ASC_destroyAssociation(&assoc);
  ASC_dropNetwork(&net);
  return outcome;
}

using GetClientE2eTest = RetrieveTest;

TEST_F(GetClientE2eTest, CancelStopsBetweenSubOperations) {
  const GetOutcome outcome = Get(server_->port(), {uid_["A"], UID_LittleEndianExplicitTransferSyntax, 2, Cancel});
  ASSERT_TRUE(outcome.error.empty()) << outcome.error << "\n" << server_->Log();
  EXPECT_EQ(outcome.stores_received, 2);
  EXPECT_EQ(outcome.final_status, STATUS_GET_Cancel_SubOperationsTerminatedDueToCancelIndication);
  const T_DIMSE_C_GetRSP& rsp = outcome.final_response;
  ASSERT_TRUE(rsp.opts & O_GET_NUMBEROFREMAININGSUBOPERATIONS);
  EXPECT_EQ(rsp.NumberOfRemainingSubOperations, 1);
  EXPECT_EQ(rsp.NumberOfCompletedSubOperations, 2);
  EXPECT_EQ(rsp.NumberOfFailedSubOperations, 0);
  EXPECT_EQ(Index().Scalar("SELECT status_code FROM events WHERE kind = 'retrieve'"),
            std::to_string(0xFE00));
}

TEST_F(GetClientE2eTest, WithoutCancelEveryInstanceArrives) {
  const GetOutcome outcome = Get(server_->port(), {uid_["A"]});
  ASSERT_TRUE(outcome.error.empty()) << outcome.error << "\n" << server_->Log();
  EXPECT_EQ(outcome.stores_received, 3);
  EXPECT_EQ(outcome.final_status, STATUS_Success);
  EXPECT_EQ(outcome.final_response.NumberOfCompletedSubOperations, 3);
}

TEST_F(GetClientE2eTest, ACancelAfterTheFinalResponseIsIgnored) {
  const GetOutcome outcome = Get(server_->port(), {uid_["B"], UID_LittleEndianExplicitTransferSyntax, -1, Cancel});
  // The release succeeds: the server did not abort over the late C-CANCEL.
  EXPECT_TRUE(outcome.error.empty()) << outcome.error << "\n" << server_->Log();
  EXPECT_EQ(outcome.final_status, STATUS_Success);
  EXPECT_EQ(outcome.stores_received, 1);
}

TEST_F(GetClientE2eTest, AStoppingServerAnswersWithWhatWasNotSent) {
  // Answer the second C-STORE only once the server has taken the signal.
  auto stop = [&](T_ASC_Association*, DIC_US) {
    server_->Terminate();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (server_->Log().find("signal 15 received") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return EC_Normal;
  };
  const GetOutcome outcome =
      Get(server_->port(), {uid_["A"], UID_LittleEndianExplicitTransferSyntax, 2, stop});
  EXPECT_EQ(outcome.stores_received, 2);
  // B000: two completed, the third failed because it was never sent.
  EXPECT_EQ(outcome.final_status, STATUS_GET_Warning_SubOperationsCompleteOneOrMoreFailures);
  EXPECT_EQ(outcome.final_response.NumberOfCompletedSubOperations, 2);
  EXPECT_EQ(outcome.final_response.NumberOfFailedSubOperations, 1);
  EXPECT_EQ(server_->Stop(), 0);
  EXPECT_NE(server_->Log().find("1 sub-operations not attempted: server stopping"),
            std::string::npos)
      << server_->Log();
}

TEST_F(GetClientE2eTest, UncompressedInstancesAreCompressedLosslesslyForARequestorThatWantsIt) {
  const GetOutcome outcome = Get(server_->port(), {uid_["A"], UID_RLELosslessTransferSyntax});
  ASSERT_TRUE(outcome.error.empty()) << outcome.error << "\n" << server_->Log();
  EXPECT_EQ(outcome.final_status, STATUS_Success);
  ASSERT_EQ(outcome.received.size(), 3u);
  DcmRLEDecoderRegistration::registerCodecs();
  for (const auto& dataset : outcome.received) {
    EXPECT_EQ(dataset->getOriginalXfer(), EXS_RLELossless);
    OFString uid;
    dataset->findAndGetOFString(DCM_SOPInstanceUID, uid);
    DcmFileFormat stored;
    ASSERT_TRUE(stored.loadFile(StoragePath(Index().Scalar(
                                    "SELECT path FROM instances WHERE sop_instance_uid = ?",
                                    {uid.c_str()}))
                                    .c_str())
                    .good());
    // Decoded, the pixels are the stored ones: lossless.
    ASSERT_TRUE(dataset->chooseRepresentation(EXS_LittleEndianExplicit, nullptr).good());
    const Uint16 *got = nullptr, *want = nullptr;
    unsigned long got_count = 0, want_count = 0;
    ASSERT_TRUE(dataset->findAndGetUint16Array(DCM_PixelData, got, &got_count).good());
    ASSERT_TRUE(stored.getDataset()->findAndGetUint16Array(DCM_PixelData, want, &want_count).good());
    ASSERT_EQ(got_count, want_count);
    EXPECT_TRUE(std::equal(got, got + got_count, want)) << uid;
  }
  EXPECT_NE(server_->Log().find("3 converted"), std::string::npos) << server_->Log();
}

}  // namespace
}  // namespace pixeldex::testing
