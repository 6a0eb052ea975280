// A C-CANCEL that arrives after the operation's final response (the SCU sent
// it while the last responses were in flight) cancels nothing: the
// association goes on. findscu --cancel against a fast server hits this race
// now and then; here it is made to happen every time.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include "tests/e2e/e2e_fixture.h"

namespace pixeldex::testing {
namespace {

constexpr T_ASC_PresentationContextID kFindContext = 1;
constexpr T_ASC_PresentationContextID kEchoContext = 3;

class LateCancelE2eTest : public ServerTest {};

TEST_F(LateCancelE2eTest, ACancelAfterTheFinalResponseLeavesTheAssociationUsable) {
  T_ASC_Network* net = nullptr;
  ASSERT_TRUE(ASC_initializeNetwork(NET_REQUESTOR, 0, 30, &net).good());
  T_ASC_Parameters* params = nullptr;
  ASSERT_TRUE(ASC_createAssociationParameters(&params, ASC_DEFAULTMAXPDU).good());
  ASC_setAPTitles(params, "CANCELLER", "PIXELDEX", nullptr);
  ASC_setPresentationAddresses(params, "localhost",
                               ("127.0.0.1:" + server_->port_string()).c_str());
  const char* syntaxes[] = {UID_LittleEndianExplicitTransferSyntax};
  ASC_addPresentationContext(params, kFindContext, UID_FINDStudyRootQueryRetrieveInformationModel,
                             syntaxes, 1);
  ASC_addPresentationContext(params, kEchoContext, UID_VerificationSOPClass, syntaxes, 1);
  T_ASC_Association* assoc = nullptr;
  ASSERT_TRUE(ASC_requestAssociation(net, params, &assoc).good()) << server_->Log();

  T_DIMSE_C_FindRQ request{};
  request.MessageID = 1;
  OFStandard::strlcpy(request.AffectedSOPClassUID, UID_FINDStudyRootQueryRetrieveInformationModel,
                      sizeof(request.AffectedSOPClassUID));
  request.DataSetType = DIMSE_DATASET_PRESENT;
  request.Priority = DIMSE_PRIORITY_MEDIUM;
  DcmDataset identifier;
  identifier.putAndInsertString(DCM_QueryRetrieveLevel, "STUDY");
  identifier.putAndInsertString(DCM_StudyInstanceUID, "");
  int responses = 0;
  T_DIMSE_C_FindRSP final_response{};
  DcmDataset* detail = nullptr;
  ASSERT_TRUE(DIMSE_findUser(assoc, kFindContext, &request, &identifier, responses, nullptr,
                             nullptr, DIMSE_BLOCKING, 0, &final_response, &detail)
                  .good());
  delete detail;
  EXPECT_EQ(final_response.DimseStatus, STATUS_FIND_Success);

  // Too late: matching is complete.
  ASSERT_TRUE(DIMSE_sendCancelRequest(assoc, kFindContext, request.MessageID).good());
  DIC_US echo_status = 0xFFFF;
  EXPECT_TRUE(DIMSE_echoUser(assoc, 2, DIMSE_BLOCKING, 0, &echo_status, nullptr).good())
      << server_->Log();
  EXPECT_EQ(echo_status, STATUS_Success);

  ASC_releaseAssociation(assoc);
  ASC_destroyAssociation(&assoc);
  ASC_dropNetwork(&net);
  ASSERT_EQ(server_->Stop(), 0);
  EXPECT_NE(server_->Log().find("CANCELLER -> PIXELDEX from 127.0.0.1 ended (released)"),
            std::string::npos)
      << server_->Log();
}

}  // namespace
}  // namespace pixeldex::testing
