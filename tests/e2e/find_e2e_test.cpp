// End-to-end C-FIND with DCMTK's findscu: both information models, every
// level, cancellation and an illegal identifier, answered from the index.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "tests/e2e/e2e_fixture.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

class FindE2eTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    // Two patients; Doe has two studies (CT with two series, MR), Roe one.
    std::vector<std::string> files;
    auto add = [&](const std::string& pid, const std::string& name, const std::string& study,
                   const std::string& series, const std::string& modality,
                   const std::string& date, int instances) {
      for (int i = 1; i <= instances; ++i) {
        TestInstance t;
        t.patient_id = pid;
        t.patient_name = name;
        t.study_uid = study;
        t.series_uid = series;
        t.modality = modality;
        t.study_date = date;
        t.instance_number = i;
        t.accession_number = "ACC-" + study.substr(study.size() - 3);
        t.sop_instance_uid = UniqueUid("3.");
        files.push_back(MakeInstance(t, "f" + std::to_string(files.size()) + ".dcm"));
      }
    };
    add("DOE1", "Doe^John", kStudyCt, kSeriesCtA, "CT", "20260110", 3);
    add("DOE1", "Doe^John", kStudyCt, kSeriesCtB, "CT", "20260110", 2);
    add("DOE1", "Doe^John", kStudyMr, kSeriesMr, "MR", "20260301", 1);
    add("ROE2", "Roe^Jane", kStudyRoe, kSeriesRoe, "CR", "20251224", 1);
    auto r = StoreScu(files);
    ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();
  }

  const std::string kStudyCt = UniqueUid("1.");
  const std::string kStudyMr = UniqueUid("1.");
  const std::string kStudyRoe = UniqueUid("1.");
  const std::string kSeriesCtA = UniqueUid("2.");
  const std::string kSeriesCtB = UniqueUid("2.");
  const std::string kSeriesMr = UniqueUid("2.");
  const std::string kSeriesRoe = UniqueUid("2.");
};

TEST_F(FindE2eTest, StudyRootStudyLevelByPatientNameWildcard) {
  ProcessResult r;
  auto responses = Find({"-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "PatientName=doe*",
                         "-k", "StudyInstanceUID", "-k", "ModalitiesInStudy",
                         "-k", "NumberOfStudyRelatedInstances"},
                        &r);
  ASSERT_EQ(responses.size(), 2u) << r.output << server_->Log();
  EXPECT_EQ(Values(responses, DCM_StudyInstanceUID), (std::set<std::string>{kStudyCt, kStudyMr}));
  EXPECT_EQ(Values(responses, DCM_ModalitiesInStudy), (std::set<std::string>{"CT", "MR"}));
  EXPECT_EQ(Values(responses, DCM_NumberOfStudyRelatedInstances),
            (std::set<std::string>{"5", "1"}));
}

TEST_F(FindE2eTest, StudyRootStudyLevelByDateRange) {
  auto responses = Find({"-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyDate=20260101-20261231",
                         "-k", "StudyInstanceUID", "-k", "PatientID"});
  EXPECT_EQ(Values(responses, DCM_StudyInstanceUID), (std::set<std::string>{kStudyCt, kStudyMr}));
  EXPECT_EQ(Values(responses, DCM_PatientID), (std::set<std::string>{"DOE1"}));
}

TEST_F(FindE2eTest, PatientRootPatientLevel) {
  auto responses = Find({"-P", "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID",
                         "-k", "PatientName", "-k", "NumberOfPatientRelatedStudies"});
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(Values(responses, DCM_PatientName), (std::set<std::string>{"Doe^John", "Roe^Jane"}));
  EXPECT_EQ(Values(responses, DCM_NumberOfPatientRelatedStudies), (std::set<std::string>{"2", "1"}));
}

TEST_F(FindE2eTest, SeriesLevelForOneStudy) {
  auto responses = Find({"-S", "-k", "QueryRetrieveLevel=SERIES", "-k", "StudyInstanceUID=" + kStudyCt,
                         "-k", "SeriesInstanceUID", "-k", "Modality",
                         "-k", "NumberOfSeriesRelatedInstances"});
  EXPECT_EQ(Values(responses, DCM_SeriesInstanceUID),
            (std::set<std::string>{kSeriesCtA, kSeriesCtB}));
  EXPECT_EQ(Values(responses, DCM_NumberOfSeriesRelatedInstances),
            (std::set<std::string>{"3", "2"}));
}

TEST_F(FindE2eTest, PatientRootImageLevelForOneSeries) {
  auto responses = Find({"-P", "-k", "QueryRetrieveLevel=IMAGE", "-k", "PatientID=DOE1",
                         "-k", "StudyInstanceUID=" + kStudyCt, "-k", "SeriesInstanceUID=" + kSeriesCtA,
                         "-k", "SOPInstanceUID", "-k", "InstanceNumber"});
  EXPECT_EQ(responses.size(), 3u);
  EXPECT_EQ(Values(responses, DCM_InstanceNumber), (std::set<std::string>{"1", "2", "3"}));
}

TEST_F(FindE2eTest, IllegalIdentifierGetsAFailureStatus) {
  ProcessResult r;
  // SERIES level in the Patient Root model without the patient's unique key
  // is fine, but a key below the query level is not (PS3.4 C.4.1.2.1).
  auto responses =
      Find({"-v", "-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "SOPInstanceUID=1.2.3"}, &r);
  EXPECT_TRUE(responses.empty());
  EXPECT_NE(r.output.find("Error: DataSetDoesNotMatchSOPClass"), std::string::npos) << r.output;
  // And the server keeps serving.
  auto again = RunProcess({"echoscu", "-aec", "PIXELDEX", "127.0.0.1", server_->port_string()},
                          FastClientEnv());
  EXPECT_EQ(again.exit_code, 0);
}

// The pending responses' identifiers, encoded without DcmDataset on Little
// Endian presentation contexts (server/find/identifier_encoder.h), reach
// findscu whole in Implicit and in Explicit VR; one longer than the peer's
// Maximum Length (findscu --max-pdu 4096, PS3.8 D.1) arrives split across
// P-DATA-TF PDUs (PS3.8 9.3.5) and reassembled into the same identifier.
TEST_F(FindE2eTest, LongIdentifiersArriveWholeInBothLittleEndianSyntaxes) {
  TestInstance t;
  t.patient_id = "LONG1";
  t.patient_name = "M\xC3\xBCller^J\xC3\xBCrgen";
  t.specific_character_set = "ISO_IR 192";
  t.study_description = std::string(5001, 'D');  // odd: one byte of padding
  t.study_uid = UniqueUid("1.");
  t.series_uid = UniqueUid("2.");
  t.sop_instance_uid = UniqueUid("3.");
  ASSERT_EQ(StoreScu({MakeInstance(t, "long.dcm")}).exit_code, 0);
  std::vector<std::string> printed;
  for (const char* syntax : {"-xi", "-xe"}) {
    for (const char* max_pdu : {"4096", "65536"}) {
      SCOPED_TRACE(std::string(syntax) + " --max-pdu " + max_pdu);
      ProcessResult r;
      auto responses =
          Find({syntax, "--max-pdu", max_pdu, "-S", "-k", "QueryRetrieveLevel=STUDY", "-k",
                "StudyDescription", "-k", "PatientName", "-k", "StudyDate", "-k",
                "ModalitiesInStudy", "-k", "StudyInstanceUID", "-k",
                "NumberOfStudyRelatedInstances", "-k", "PatientID=LONG1"},
               &r);
      ASSERT_EQ(responses.size(), 1u) << r.output << server_->Log();
      OFString description, name, study;
      responses[0]->findAndGetOFString(DCM_StudyDescription, description);
      responses[0]->findAndGetOFString(DCM_PatientName, name);
      responses[0]->findAndGetOFString(DCM_StudyInstanceUID, study);
      EXPECT_EQ(description.size(), 5001u);
      EXPECT_EQ(name, t.patient_name.c_str());
      EXPECT_EQ(study, t.study_uid.c_str());
      std::ostringstream out;
      responses[0]->print(out);
      // The elements, without the header that names the transfer syntax.
      printed.push_back(out.str().substr(out.str().find("\n(")));
    }
  }
  for (const std::string& p : printed) EXPECT_EQ(p, printed.front());
}

// Many matches, so that the cancel arrives while responses are still pending.
class FindCancelE2eTest : public ServerTest {
 protected:
  // Small socket buffers on both ends (DCMTK reads TCP_BUFFER_LENGTH) keep
  // the server from pushing every match into the connection before findscu,
  // slow on a busy machine, sends its C-CANCEL: the server has to wait for
  // findscu to read, and so sees the cancel between two responses.
  std::map<std::string, std::string> ServerEnv() const override {
    return {{"TCP_BUFFER_LENGTH", "4096"}};
  }
};

TEST_F(FindCancelE2eTest, CancelStopsTheAnswerAndTheServerGoesOn) {
  constexpr int kInstances = 400;
  TestInstance t;
  t.rows = t.columns = 4;
  ASSERT_EQ(StoreScu(MakeInstances(t, kInstances, "c")).exit_code, 0);
  auto env = FastClientEnv();
  env["TCP_BUFFER_LENGTH"] = "4096";
  auto r = RunProcess({"findscu", "-v", "-S", "--cancel", "2", "-aec", "PIXELDEX", "-k",
                       "QueryRetrieveLevel=IMAGE", "-k", "StudyInstanceUID=" + t.study_uid, "-k",
                       "SOPInstanceUID", "127.0.0.1", server_->port_string()},
                      env);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Cancel: MatchingTerminatedDueToCancelRequest"), std::string::npos) << r.output;
  EXPECT_NE(server_->Log().find("status 0xFE00"), std::string::npos) << server_->Log();
  auto again = RunProcess({"echoscu", "-aec", "PIXELDEX", "127.0.0.1", server_->port_string()},
                          FastClientEnv());
  EXPECT_EQ(again.exit_code, 0);
}

// The responses of a large answer are gathered into few writes on the
// server (WriteCoalescer): every one of them still arrives, each match once,
// before the final response, and the association goes on.
TEST_F(FindCancelE2eTest, ManyPendingResponsesAllArriveBeforeTheFinalOne) {
  constexpr int kInstances = 400;  // ~100 KB of responses: several write-outs
  TestInstance t;
  t.rows = t.columns = 4;
  ASSERT_EQ(StoreScu(MakeInstances(t, kInstances, "m")).exit_code, 0);
  auto env = FastClientEnv();
  env["TCP_BUFFER_LENGTH"] = "4096";
  auto r = RunProcess({"findscu", "-v", "-S", "-aec", "PIXELDEX", "-k", "QueryRetrieveLevel=IMAGE",
                       "-k", "StudyInstanceUID=" + t.study_uid, "-k", "SOPInstanceUID",
                       "-k", "InstanceNumber", "127.0.0.1", server_->port_string()},
                      env);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Find Response: " + std::to_string(kInstances) + " (Pending)"),
            std::string::npos);
  EXPECT_EQ(r.output.find("Find Response: " + std::to_string(kInstances + 1) + " "),
            std::string::npos);
  const size_t final_response = r.output.find("Received Final Find Response (Success)");
  ASSERT_NE(final_response, std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("(Pending)", final_response), std::string::npos);
  EXPECT_NE(server_->Log().find(std::to_string(kInstances) + " matches, status 0x0000"),
            std::string::npos)
      << server_->Log();
  EXPECT_EQ(EchoScu(*server_, "AFTER").exit_code, 0);
}

}  // namespace
}  // namespace pixeldex::testing
