// C-FIND on a PostgreSQL index (issue 18): the same instances stored by
// DCMTK's storescu into two `pixeldex serve` processes, one on a SQLite
// index and one on a real PostgreSQL, then the same findscu queries at the
// PATIENT, STUDY, SERIES and IMAGE levels of the Patient Root and Study Root
// information models (PS3.4 C.6.1, C.6.2), with single value, wildcard and
// date range matching (PS3.4 C.2.2.2): each must answer the same
// identifiers through both servers, and the expected number of them. The
// same for QIDO-RS searches (PS3.18 10.6) of studies, series and instances.
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/postgres/two_backend_test.h"
#include "tests/support/http_client.h"

namespace pixeldex::testing {
namespace {

// One response identifier as text: every attribute's tag and values, in tag
// order (sequences by their item count).
std::string Canonical(DcmDataset& ds) {
  std::string text;
  for (unsigned long i = 0; i < ds.card(); ++i) {
    DcmElement* e = ds.getElement(i);
    text += e->getTag().toString().c_str();
    text += "=";
    if (e->ident() == EVR_SQ) {
      text += "items:" + std::to_string(e->getVM());
    } else {
      OFString value;
      e->getOFStringArray(value);
      text += value.c_str();
    }
    text += "|";
  }
  return text;
}

class PgFindE2eTest : public TwoBackendTest {
 protected:
  // The response identifiers of one findscu query, as sorted Canonical text.
  std::vector<std::string> Find(const ServerProcess& server, const std::vector<std::string>& args) {
    ProcessResult result;
    auto responses =
        FindScu(server, dir_ / ("responses" + std::to_string(++finds_)), args, &result);
    EXPECT_EQ(result.exit_code, 0) << result.output << server.Log();
    std::vector<std::string> identifiers;
    for (const auto& ds : responses) identifiers.push_back(Canonical(*ds));
    std::sort(identifiers.begin(), identifiers.end());
    return identifiers;
  }

  // Runs `args` on both servers: the same identifiers, `expected` of them.
  void ExpectSameAnswers(const std::vector<std::string>& args, size_t expected) {
    std::string query;
    for (const auto& a : args) query += a + " ";
    SCOPED_TRACE(query);
    const auto on_sqlite = Find(*sqlite_, args);
    const auto on_postgres = Find(*postgres_server_, args);
    EXPECT_EQ(on_sqlite.size(), expected);
    EXPECT_EQ(on_postgres, on_sqlite) << postgres_server_->Log();
  }

  // A QIDO-RS search's status and matches, each as its JSON text without
  // the Retrieve URL (0008,1190), which names the server's own port; sorted.
  std::pair<int, std::vector<std::string>> Search(const ServerProcess& server,
                                                  const std::string& path) {
    const HttpReply reply = HttpRequest(server.http_port(), "GET", path,
                                        {"Authorization: " + BasicAuthorization("bob", "builder")});
    std::vector<std::string> matches;
    if (reply.status == 200) {
      for (auto match : nlohmann::json::parse(reply.body)) {
        EXPECT_TRUE(match.erase("00081190")) << match.dump();
        matches.push_back(match.dump());
      }
    }
    std::sort(matches.begin(), matches.end());
    return {reply.status, matches};
  }

  // Searches `path` on both servers: the same answer, `expected` matches.
  void ExpectSameSearch(const std::string& path, size_t expected) {
    SCOPED_TRACE(path);
    const auto on_sqlite = Search(*sqlite_, path);
    const auto on_postgres = Search(*postgres_server_, path);
    EXPECT_EQ(on_sqlite.first, expected == 0 ? 204 : 200);
    EXPECT_EQ(on_sqlite.second.size(), expected);
    EXPECT_EQ(on_postgres, on_sqlite) << postgres_server_->Log();
  }

  int finds_ = 0;
};

TEST_F(PgFindE2eTest, PatientRootAnswersAsOnSqlite) {
  ExpectSameAnswers(
      {"-P", "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID", "-k", "PatientName", "-k",
       "PatientBirthDate", "-k", "NumberOfPatientRelatedStudies"},
      3);
  // PS3.4 C.2.2.2.4: wildcard matching.
  ExpectSameAnswers(
      {"-P", "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientName=Curie*", "-k", "PatientID"}, 2);
  ExpectSameAnswers({"-P", "-k", "QueryRetrieveLevel=STUDY", "-k", "PatientID=PID-C", "-k",
                     "StudyInstanceUID", "-k", "StudyDate", "-k", "AccessionNumber", "-k",
                     "ModalitiesInStudy", "-k", "NumberOfStudyRelatedInstances"},
                    2);
  ExpectSameAnswers({"-P", "-k", "QueryRetrieveLevel=SERIES", "-k", "PatientID=PID-C", "-k",
                     "StudyInstanceUID=" + study_uids_[0], "-k", "SeriesInstanceUID", "-k",
                     "Modality", "-k", "SeriesNumber", "-k", "NumberOfSeriesRelatedInstances"},
                    2);
  ExpectSameAnswers(
      {"-P", "-k", "QueryRetrieveLevel=IMAGE", "-k", "PatientID=PID-P", "-k",
       "StudyInstanceUID=" + study_uids_[2], "-k", "SeriesInstanceUID=" + series_uids_[3], "-k",
       "SOPInstanceUID", "-k", "SOPClassUID", "-k", "InstanceNumber"},
      2);
}

TEST_F(PgFindE2eTest, StudyRootAnswersAsOnSqlite) {
  // PS3.4 C.2.2.2.5: range matching on a date, closed and open.
  ExpectSameAnswers({"-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyDate=20240101-20241231",
                     "-k", "StudyInstanceUID", "-k", "PatientName", "-k", "StudyDescription"},
                    2);
  ExpectSameAnswers({"-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyDate=20240601-", "-k",
                     "StudyInstanceUID", "-k", "PatientID"},
                    2);
  ExpectSameAnswers({"-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "AccessionNumber=A-1?", "-k",
                     "StudyInstanceUID", "-k", "ModalitiesInStudy", "-k", "StudyTime"},
                    2);
  ExpectSameAnswers({"-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "ModalitiesInStudy=MR", "-k",
                     "StudyInstanceUID", "-k", "NumberOfStudyRelatedSeries"},
                    2);
  ExpectSameAnswers(
      {"-S", "-k", "QueryRetrieveLevel=SERIES", "-k", "StudyInstanceUID=" + study_uids_[0], "-k",
       "SeriesInstanceUID", "-k", "Modality=MR", "-k", "SeriesDescription"},
      2);
  ExpectSameAnswers(
      {"-S", "-k", "QueryRetrieveLevel=IMAGE", "-k", "StudyInstanceUID=" + study_uids_[0], "-k",
       "SeriesInstanceUID=" + series_uids_[0], "-k", "SOPInstanceUID", "-k", "InstanceNumber", "-k",
       "Rows"},
      2);
}

TEST_F(PgFindE2eTest, QidoRsAnswersAsOnSqlite) {
  ExpectSameSearch("/dicom-web/studies", 4);
  ExpectSameSearch("/dicom-web/studies?PatientName=Curie*&includefield=StudyDescription", 3);
  ExpectSameSearch("/dicom-web/studies?StudyDate=20240101-20241231", 2);
  ExpectSameSearch("/dicom-web/studies?limit=2&offset=1", 2);
  ExpectSameSearch("/dicom-web/studies/" + study_uids_[0] + "/series", 2);
  ExpectSameSearch("/dicom-web/series?Modality=CT", 2);
  ExpectSameSearch("/dicom-web/instances?PatientID=PID-P", 2);
  ExpectSameSearch(
      "/dicom-web/studies/" + study_uids_[0] + "/series/" + series_uids_[0] + "/instances", 2);
  ExpectSameSearch("/dicom-web/studies?PatientID=NOBODY", 0);
}

}  // namespace
}  // namespace pixeldex::testing
