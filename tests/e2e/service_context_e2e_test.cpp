// End-to-end: every DIMSE request is checked against the presentation
// context it arrives on and the caller's service list (issue 13). Each test
// is a bypass that worked before: a caller allowed only to find stored on
// its Verification context and moved on its C-FIND context; a caller allowed
// only to retrieve stored on a context accepted for C-GET sub-operations.
// DCMTK's DIMSE calls send the requests on the contexts chosen; the server
// answers with a failure status, logs one line and acts on nothing.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/dimse.h>

#include "tests/e2e/retrieve_fixture.h"
#include "tests/support/raw_store_client.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

class ServiceContextE2eTest : public RetrieveTest {
 protected:
  void SetUp() override {
    dest_dir_ = NewDir("dest");
    dest_ = StoreScp::Start({"DEST", dest_dir_, dir_ / "dest.log", {"+B"}, {}});
    RetrieveTest::SetUp();  // stores the archive as MODALITY
  }
  std::vector<std::string> ServerArgs() const override {
    return {"--move-destination", "DEST=127.0.0.1:" + std::to_string(dest_->port()),
            "--set", "access.store_callers=MODALITY",
            "--set", "access.find_callers=VIEWER",
            "--set", "access.retrieve_callers=MOVER"};
  }

  // C-STORE of a fresh CT instance on presentation context `context`;
  // returns the response status (-1 when none came) and the instance's UID.
  std::pair<int, std::string> StoreOn(RawStoreClient& client, T_ASC_PresentationContextID context) {
    TestInstance t;
    t.sop_instance_uid = UniqueUid("3.");
    DcmFileFormat file;
    EXPECT_TRUE(file.loadFile(MakeInstance(t, t.sop_instance_uid + ".dcm").c_str()).good());
    T_DIMSE_C_StoreRQ request{};
    request.MessageID = 7;
    OFStandard::strlcpy(request.AffectedSOPClassUID, t.sop_class_uid.c_str(),
                        sizeof(request.AffectedSOPClassUID));
    OFStandard::strlcpy(request.AffectedSOPInstanceUID, t.sop_instance_uid.c_str(),
                        sizeof(request.AffectedSOPInstanceUID));
    request.DataSetType = DIMSE_DATASET_PRESENT;
    T_DIMSE_C_StoreRSP response{};
    DcmDataset* detail = nullptr;
    const OFCondition cond =
        DIMSE_storeUser(client.association(), context, &request, nullptr, file.getDataset(),
                        nullptr, nullptr, DIMSE_BLOCKING, 0, &response, &detail);
    delete detail;
    return {cond.good() ? response.DimseStatus : -1, t.sop_instance_uid};
  }
  int64_t Stored(const std::string& uid) {
    return Index().Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?", {uid});
  }

  std::string dest_dir_;
  std::unique_ptr<StoreScp> dest_;
};

TEST_F(ServiceContextE2eTest, AFindOnlyCallerCannotStoreOnItsVerificationContext) {
  RawStoreClient viewer(server_->port(),
                        {{UID_VerificationSOPClass}, {UID_FINDStudyRootQueryRetrieveInformationModel}},
                        "VIEWER");
  ASSERT_TRUE(viewer.connected());
  const auto [status, uid] = StoreOn(viewer, 1);
  EXPECT_EQ(status, 0x0122) << server_->Log();
  EXPECT_EQ(Stored(uid), 0);
  EXPECT_TRUE(server_->WaitForLog("C-STORE request on a C-ECHO context")) << server_->Log();
  // The association goes on: the refusal read the data set off the wire.
  EXPECT_EQ(StoreOn(viewer, 1).first, 0x0122);
}

TEST_F(ServiceContextE2eTest, AFindOnlyCallerCannotMoveOnItsFindContext) {
  RawStoreClient viewer(server_->port(), {{UID_FINDStudyRootQueryRetrieveInformationModel}},
                        "VIEWER");
  ASSERT_TRUE(viewer.connected());
  T_DIMSE_C_MoveRQ request{};
  request.MessageID = 9;
  OFStandard::strlcpy(request.AffectedSOPClassUID, UID_MOVEStudyRootQueryRetrieveInformationModel,
                      sizeof(request.AffectedSOPClassUID));
  OFStandard::strlcpy(request.MoveDestination, "DEST", sizeof(request.MoveDestination));
  request.DataSetType = DIMSE_DATASET_PRESENT;
  DcmDataset identifier;
  identifier.putAndInsertString(DCM_QueryRetrieveLevel, "STUDY");
  identifier.putAndInsertString(DCM_StudyInstanceUID, uid_["A"].c_str());
  T_DIMSE_C_MoveRSP response{};
  DcmDataset* detail = nullptr;
  DcmDataset* ids = nullptr;
  const OFCondition cond =
      DIMSE_moveUser(viewer.association(), 1, &request, &identifier, nullptr, nullptr,
                     DIMSE_BLOCKING, 0, nullptr, nullptr, nullptr, &response, &detail, &ids);
  delete detail;
  delete ids;
  ASSERT_TRUE(cond.good()) << cond.text() << server_->Log();
  EXPECT_EQ(response.DimseStatus, 0x0122) << server_->Log();
  EXPECT_TRUE(server_->WaitForLog("C-MOVE request on a C-FIND context")) << server_->Log();
  EXPECT_TRUE(InstancesIn(dest_dir_).empty());
  // MOVER, whose list admits it, moves as before.
  auto moved = MoveScu("DEST", Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + uid_["A"]}));
  EXPECT_EQ(moved.exit_code, 0) << moved.output;
  ExpectReceived(dest_dir_, {"a1", "a2", "a3"});
}

TEST_F(ServiceContextE2eTest, ARetrieveOnlyCallerCannotStoreOnItsGetSubOperationContext) {
  // Proposed with both roles for C-GET, accepted with the SCP role only
  // since MOVER may not store: C-STOREs on it go to MOVER, never from it.
  RawStoreClient mover(server_->port(), {{UID_CTImageStorage, ASC_SC_ROLE_SCUSCP}}, "MOVER");
  ASSERT_TRUE(mover.connected()) << server_->Log();
  const auto [status, uid] = StoreOn(mover, 1);
  EXPECT_EQ(status, 0x0124) << server_->Log();
  EXPECT_EQ(Stored(uid), 0);
  EXPECT_TRUE(server_->WaitForLog("caller may not use C-STORE")) << server_->Log();
}

}  // namespace
}  // namespace pixeldex::testing
