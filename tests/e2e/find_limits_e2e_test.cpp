// End-to-end: the cost of one C-FIND is bounded (issue 13, findings 6 and 7):
// query.max_keys refuses a huge identifier, and query.time_limit ends a
// C-FIND whose caller does not read its responses, so that it stops holding
// its snapshot of the index. Both end with A700 (PS3.4 C.4.1.1.4).

#include <cstdio>
#include <cstdlib>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dctag.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/raw_store_client.h"

namespace pixeldex::testing {
namespace {

class FindLimitsE2eTest : public ServerTest {
 protected:
  // DCMTK sizes each socket's buffers from TCP_BUFFER_LENGTH (and the kernel
  // stops growing them): the server's responses cannot hide in megabytes of
  // socket buffers when the caller does not read.
  std::map<std::string, std::string> ServerEnv() const override {
    return {{"TCP_BUFFER_LENGTH", "4096"}};
  }
  std::vector<std::string> ServerArgs() const override {
    return {"--set", "query.max_keys=40", "--set", "query.time_limit=2"};
  }
  ProcessResult FindScu(const std::vector<std::string>& keys) {
    std::vector<std::string> argv = {"findscu", "-v", "-aet", "VIEWER", "-aec", "PIXELDEX", "-S",
                                     "-k", "QueryRetrieveLevel=IMAGE"};
    for (const std::string& key : keys) {
      argv.push_back("-k");
      argv.push_back(key);
    }
    argv.push_back("127.0.0.1");
    argv.push_back(server_->port_string());
    return RunProcess(argv, FastClientEnv());
  }
};

TEST_F(FindLimitsE2eTest, AnIdentifierWithMoreKeysThanTheLimitIsRefused) {
  const TestInstance t;
  ASSERT_EQ(StoreScu({MakeInstance(t, "one.dcm")}).exit_code, 0);
  // 40 keys are served (Query/Retrieve Level is not counted: it says which
  // level, it is not matched or returned as a key): the study and series
  // UIDs, and 38 return keys, dictionary attributes of group 0018.
  std::vector<std::string> keys = {"StudyInstanceUID=" + t.study_uid,
                                   "SeriesInstanceUID=" + t.series_uid};
  for (Uint16 element = 0x0010; keys.size() < 41; ++element) {
    const DcmEVR vr = DcmTag(0x0018, element).getEVR();
    if (vr == EVR_UNKNOWN || vr == EVR_UN || vr == EVR_SQ) continue;
    char tag[16];
    std::snprintf(tag, sizeof(tag), "(0018,%04X)", element);
    keys.push_back(tag);
  }
  const std::string one_more = keys.back();
  keys.pop_back();
  auto served = FindScu(keys);
  EXPECT_EQ(served.exit_code, 0) << served.output;
  EXPECT_EQ(served.output.find("Refused"), std::string::npos) << served.output;
  keys.push_back(one_more);
  auto refused = FindScu(keys);
  EXPECT_NE(refused.output.find("Refused: OutOfResources"), std::string::npos) << refused.output;
  EXPECT_TRUE(server_->WaitForLog("more than 40 keys in the identifier; ending it"))
      << server_->Log();
  ExpectStillServing();
}

TEST_F(FindLimitsE2eTest, ACallerThatDoesNotReadItsResponsesIsEndedByTheTimeLimit) {
  TestInstance t;
  t.rows = t.columns = 4;
  t.patient_name = std::string(60, 'N');
  ASSERT_EQ(StoreScu(MakeInstances(t, 400, "i")).exit_code, 0);
  // The identifier: every instance of the study, with its patient's name.
  DcmFileFormat file;
  DcmDataset* identifier = file.getDataset();
  identifier->putAndInsertString(DCM_QueryRetrieveLevel, "IMAGE");
  identifier->putAndInsertString(DCM_StudyInstanceUID, t.study_uid.c_str());
  identifier->putAndInsertString(DCM_SeriesInstanceUID, t.series_uid.c_str());
  identifier->putAndInsertString(DCM_SOPInstanceUID, "");
  identifier->putAndInsertString(DCM_PatientName, "");
  const std::string path = dir_ / "identifier.dcm";
  ASSERT_TRUE(file.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());

  // A tiny receive window (DCMTK sizes the socket's buffers from
  // TCP_BUFFER_LENGTH): 400 responses cannot fit, the server's writes block.
  ::setenv("TCP_BUFFER_LENGTH", "4096", 1);
  RawStoreClient reader(server_->port(), UID_FINDStudyRootQueryRetrieveInformationModel);
  ::unsetenv("TCP_BUFFER_LENGTH");
  ASSERT_TRUE(reader.connected());
  ASSERT_TRUE(reader.SendCommand(""));
  ASSERT_TRUE(reader.SendData(DatasetBytes(path), true));
  // It never reads. The server ends the C-FIND, and its statement, at the
  // time limit: its blocked write gives up then (the DIMSE timeout, 60 s,
  // would end it much later).
  EXPECT_TRUE(server_->WaitForLog("time limit of 2 s reached while the caller was not reading",
                                  50000))
      << server_->Log();
  ExpectStillServing();
}

}  // namespace
}  // namespace pixeldex::testing
