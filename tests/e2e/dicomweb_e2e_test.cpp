// End-to-end DICOMweb with the real binary: studies pushed with storescu,
// then QIDO-RS over loopback HTTP, checked against findscu on the same
// archive (one engine, so the same sets), against PS3.18 Annex F typing, and
// behind the HTTP layer's authentication, CORS and start-up refusal.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/e2e/dicomweb_users.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/http_client.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class DicomwebE2eTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--http", "127.0.0.1:0", "--set", UsersSetting(), "--set",
            "http.cors_origins=http://viewer.test:3000"};
  }

  void SetUp() override {
    ServerTest::SetUp();
    // Four patients, six studies, nine series, over three years and three modalities.
    struct Series {
      std::string pid, name, study, date, modality;
      int instances;
    };
    const std::string s[6] = {UniqueUid("1."), UniqueUid("1."), UniqueUid("1."),
                              UniqueUid("1."), UniqueUid("1."), UniqueUid("1.")};
    studies_.assign(std::begin(s), std::end(s));
    const Series plan[] = {
        {"P1", "Doe^John", s[0], "20190304", "CT", 3}, {"P1", "Doe^John", s[0], "20190304", "CT", 2},
        {"P1", "Doe^John", s[1], "20200615", "MR", 2}, {"P2", "Doe^Jane", s[2], "20201231", "CT", 1},
        {"P2", "Doe^Jane", s[2], "20201231", "MR", 2}, {"P3", "Roe^Ann", s[3], "20210101", "CR", 1},
        {"P3", "Roe^Ann", s[4], "20200101", "MR", 1},  {"P4", "Smith^Bob", s[5], "20191231", "CT", 2},
        {"P4", "Smith^Bob", s[5], "20191231", "CT", 1}};
    std::vector<std::string> files;
    int series_number = 0;
    for (const Series& p : plan) {
      TestInstance t;
      t.patient_id = p.pid;
      t.patient_name = p.name;
      t.study_uid = p.study;
      t.series_uid = UniqueUid("2.");
      t.study_date = p.date;
      t.modality = p.modality;
      t.series_number = ++series_number;
      t.accession_number = "A" + p.pid;
      series_.push_back(t.series_uid);
      for (int i = 1; i <= p.instances; ++i) {
        t.instance_number = i;
        t.sop_instance_uid = UniqueUid("3.");
        files.push_back(MakeInstance(t, "f" + std::to_string(files.size()) + ".dcm"));
      }
    }
    auto r = StoreScu(files);
    ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();
  }

  HttpReply Get(const std::string& path, std::vector<std::string> headers = {}) {
    headers.push_back("Authorization: " + BasicAuthorization("bob", "builder"));
    return HttpRequest(server_->http_port(), "GET", path, headers);
  }

  // The values of `tag` (hex) in a QIDO answer; fails the test on bad JSON.
  static std::set<std::string> QidoValues(const HttpReply& reply, const std::string& tag) {
    std::set<std::string> values;
    if (reply.status == 204) return values;
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.headers.at("content-type"), "application/dicom+json");
    const json answer = json::parse(reply.body);
    EXPECT_TRUE(answer.is_array());
    for (const json& match : answer) values.insert(match.at(tag).at("Value").at(0).get<std::string>());
    return values;
  }

  // The values of `tag` in findscu's answers (Study Root) to `keys`.
  std::set<std::string> FindValues(const std::vector<std::string>& keys, const DcmTagKey& tag) {
    const std::string out = dir_ / ("find" + std::to_string(++finds_));
    fs::create_directories(out);
    std::vector<std::string> argv = {"findscu", "-S", "-aet", "VIEWER", "-aec", "PIXELDEX", "-X",
                                     "-od", out};
    for (const std::string& key : keys) {
      argv.push_back("-k");
      argv.push_back(key);
    }
    argv.push_back("127.0.0.1");
    argv.push_back(server_->port_string());
    auto r = RunProcess(argv, FastClientEnv());
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::set<std::string> values;
    for (const auto& entry : fs::directory_iterator(out)) {
      DcmFileFormat file;
      EXPECT_TRUE(file.loadFile(entry.path().c_str()).good());
      OFString v;
      file.getDataset()->findAndGetOFStringArray(tag, v);
      values.insert(v.c_str());
    }
    return values;
  }

  std::vector<std::string> studies_, series_;
  int finds_ = 0;
};

TEST_F(DicomwebE2eTest, QidoAndFindscuFindTheSameSets) {
  const std::string study_uid = "0020000D", series_uid = "0020000E", sop_uid = "00080018";
  struct Case {
    std::string qido;
    std::vector<std::string> keys;
    std::string hex;
    DcmTagKey tag;
  };
  const std::string uid_list = studies_[0] + "," + studies_[3] + "," + studies_[5];
  const std::vector<Case> cases = {
      {"/dicom-web/studies", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID"}, study_uid, DCM_StudyInstanceUID},
      {"/dicom-web/studies?PatientName=Doe*", {"QueryRetrieveLevel=STUDY", "PatientName=Doe*", "StudyInstanceUID"}, study_uid, DCM_StudyInstanceUID},
      {"/dicom-web/studies?00100010=doe%5Ejane", {"QueryRetrieveLevel=STUDY", "PatientName=doe^jane", "StudyInstanceUID"}, study_uid, DCM_StudyInstanceUID},
      {"/dicom-web/studies?StudyDate=20200101-20201231", {"QueryRetrieveLevel=STUDY", "StudyDate=20200101-20201231", "StudyInstanceUID"}, study_uid, DCM_StudyInstanceUID},
      {"/dicom-web/studies?ModalitiesInStudy=CT", {"QueryRetrieveLevel=STUDY", "ModalitiesInStudy=CT", "StudyInstanceUID"}, study_uid, DCM_StudyInstanceUID},
      {"/dicom-web/studies?StudyInstanceUID=" + uid_list, {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + studies_[0] + "\\" + studies_[3] + "\\" + studies_[5]}, study_uid, DCM_StudyInstanceUID},
      {"/dicom-web/studies/" + studies_[0] + "/series", {"QueryRetrieveLevel=SERIES", "StudyInstanceUID=" + studies_[0], "SeriesInstanceUID"}, series_uid, DCM_SeriesInstanceUID},
      {"/dicom-web/series?Modality=MR", {"QueryRetrieveLevel=SERIES", "Modality=MR", "SeriesInstanceUID"}, series_uid, DCM_SeriesInstanceUID},
      {"/dicom-web/instances?PatientID=P4", {"QueryRetrieveLevel=IMAGE", "PatientID=P4", "SOPInstanceUID"}, sop_uid, DCM_SOPInstanceUID},
      {"/dicom-web/studies/" + studies_[2] + "/instances", {"QueryRetrieveLevel=IMAGE", "StudyInstanceUID=" + studies_[2], "SOPInstanceUID"}, sop_uid, DCM_SOPInstanceUID},
      {"/dicom-web/studies/" + studies_[0] + "/series/" + series_[0] + "/instances", {"QueryRetrieveLevel=IMAGE", "StudyInstanceUID=" + studies_[0], "SeriesInstanceUID=" + series_[0], "SOPInstanceUID"}, sop_uid, DCM_SOPInstanceUID},
      {"/dicom-web/studies?PatientName=Nobody", {"QueryRetrieveLevel=STUDY", "PatientName=Nobody", "StudyInstanceUID"}, study_uid, DCM_StudyInstanceUID},
  };
  for (const Case& c : cases) {
    const auto from_qido = QidoValues(Get(c.qido), c.hex);
    const auto from_find = FindValues(c.keys, c.tag);
    EXPECT_EQ(from_qido, from_find) << c.qido;
  }
  // The shapes are not vacuous: they select different, non-trivial sets.
  EXPECT_EQ(QidoValues(Get("/dicom-web/studies"), study_uid).size(), 6u);
  EXPECT_EQ(QidoValues(Get("/dicom-web/studies?PatientName=Doe*"), study_uid).size(), 3u);
  EXPECT_EQ(QidoValues(Get("/dicom-web/studies?StudyDate=20200101-20201231"), study_uid).size(), 3u);
  EXPECT_EQ(QidoValues(Get("/dicom-web/instances?PatientID=P4"), sop_uid).size(), 3u);
}

// Modalities in Study is multi-valued CS: one convention everywhere (issue 14
// found `,` in studies and `\` in study_summary): DICOM's `\` (PS3.5 6.4) in
// the index, two values in the C-FIND answer, a two-element array in QIDO.
TEST_F(DicomwebE2eTest, ModalitiesInStudyAreOneConventionInIndexFindAndQido) {
  const std::string study = studies_[2];  // a CT series and an MR series
  EXPECT_EQ(Index().Scalar("SELECT modalities_in_study FROM studies WHERE study_instance_uid = ?",
                           {study}),
            "CT\\MR");
  EXPECT_EQ(Index().Scalar("SELECT modalities FROM study_summary WHERE study_instance_uid = ?",
                           {study}),
            "CT\\MR");
  auto found = Find({"-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study,
                     "-k", "ModalitiesInStudy"});
  ASSERT_EQ(found.size(), 1u) << server_->Log();
  DcmElement* modalities = nullptr;
  ASSERT_TRUE(found[0]->findAndGetElement(DCM_ModalitiesInStudy, modalities).good());
  EXPECT_EQ(modalities->getVM(), 2u);
  OFString value;
  ASSERT_TRUE(modalities->getOFStringArray(value).good());
  EXPECT_EQ(std::string(value.c_str()), "CT\\MR");
  const json qido = json::parse(Get("/dicom-web/studies?StudyInstanceUID=" + study).body);
  ASSERT_EQ(qido.size(), 1u);
  EXPECT_EQ(qido[0]["00080061"]["Value"], json::array({"CT", "MR"}));
}

// With --log-format json, each request's line carries method, target (query
// values left out), status, size, time and user as fields (issue 14).
class DicomwebJsonLogE2eTest : public DicomwebE2eTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    std::vector<std::string> args = DicomwebE2eTest::ServerArgs();
    args.push_back("--log-format=json");
    return args;
  }
};

TEST_F(DicomwebJsonLogE2eTest, RequestLinesCarryTheirFactsAsFields) {
  ASSERT_EQ(Get("/dicom-web/studies?PatientID=P1").status, 200);
  ASSERT_EQ(server_->Stop(), 0);
  std::istringstream in(server_->Log());
  json request;
  for (std::string line; std::getline(in, line);) {
    const json parsed = json::parse(line);
    if (parsed.contains("method")) request = parsed;
  }
  ASSERT_TRUE(request.is_object()) << server_->Log();
  EXPECT_EQ(request["method"], "GET");
  EXPECT_EQ(request["target"], "/dicom-web/studies?PatientID=");
  EXPECT_EQ(request["http_status"], 200);
  EXPECT_EQ(request["user"], "bob");
  EXPECT_GT(request["bytes"].get<int64_t>(), 0);
  EXPECT_GE(request["duration_ms"].get<int64_t>(), 0);
}

TEST_F(DicomwebE2eTest, AnswersDicomJsonWithTheRequiredAttributes) {
  auto reply = Get("/dicom-web/studies?PatientID=P1&StudyDate=20190304&includefield=StudyDescription",
                   {"Accept: application/dicom+json"});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json answer = json::parse(reply.body);
  ASSERT_EQ(answer.size(), 1u);
  const json& study = answer[0];
  // PS3.18 Table 10.6.3-3, and the included field.
  for (const char* tag : {"00080020", "00080030", "00080050", "00080056", "00080061", "00080090",
                          "00080201", "00081190", "00100010", "00100020", "00100030", "00100040",
                          "0020000D", "00200010", "00201206", "00201208", "00081030"}) {
    EXPECT_TRUE(study.contains(tag)) << tag << " missing in " << reply.body;
  }
  // Annex F: PN as an object, IS as a number, CS lists as arrays.
  EXPECT_EQ(study["00100010"]["vr"], "PN");
  EXPECT_EQ(study["00100010"]["Value"][0]["Alphabetic"], "Doe^John");
  EXPECT_EQ(study["00201206"]["vr"], "IS");
  EXPECT_EQ(study["00201206"]["Value"][0], 2);
  EXPECT_EQ(study["00201208"]["Value"][0], 5);
  EXPECT_EQ(study["00080061"]["Value"], json::array({"CT"}));
  EXPECT_EQ(study["00080056"]["Value"][0], "ONLINE");
  EXPECT_EQ(study["00081190"]["Value"][0],
            "http://127.0.0.1/dicom-web/studies/" + studies_[0]);
  EXPECT_EQ(study["00081030"]["Value"][0], "CT Chest");
  // A zero-length attribute has no Value (F.2.5).
  EXPECT_FALSE(study["00080201"].contains("Value"));

  // Series of a study: Table 10.6.3-4, numbers typed.
  const json series = json::parse(Get("/dicom-web/studies/" + studies_[0] + "/series").body);
  ASSERT_EQ(series.size(), 2u);
  for (const json& one : series) {
    EXPECT_TRUE(one["00200011"]["Value"][0].is_number());
    EXPECT_TRUE(one.contains("00201209"));
    EXPECT_TRUE(one.contains("0008103E"));
  }
}

// PS3.18 Tables 10.6.3-3 to -5: every search returns Timezone Offset From
// UTC (0008,0201), read from the study's column (index schema version 8):
// the value where the files carry one, zero-length where they do not.
TEST_F(DicomwebE2eTest, ReturnsTimezoneOffsetFromUtcWhereTheFilesCarryIt) {
  TestInstance t;
  t.patient_id = "P5";
  t.study_uid = UniqueUid("1.");
  t.series_uid = UniqueUid("2.");
  t.accession_number = "AP5";
  t.timezone_offset_from_utc = "+0100";
  auto stored = StoreScu(MakeInstances(t, 2, "tz"));
  ASSERT_EQ(stored.exit_code, 0) << stored.output << server_->Log();

  // The timezone of each answer of `path`, "-" when zero-length.
  auto timezones = [&](const std::string& path) {
    const HttpReply reply = Get(path);
    EXPECT_EQ(reply.status, 200) << path << ": " << reply.body;
    std::multiset<std::string> out;
    for (const json& match : json::parse(reply.body)) {
      const json& timezone = match.at("00080201");
      EXPECT_EQ(timezone.at("vr"), "SH");
      out.insert(timezone.contains("Value") ? timezone["Value"][0].get<std::string>() : "-");
    }
    return out;
  };
  const std::string with = "/dicom-web/studies/" + t.study_uid;
  const std::string without = "/dicom-web/studies/" + studies_[0];
  EXPECT_EQ(timezones("/dicom-web/studies?PatientID=P5"), (std::multiset<std::string>{"+0100"}));
  EXPECT_EQ(timezones("/dicom-web/studies?PatientID=P1"), (std::multiset<std::string>{"-", "-"}));
  EXPECT_EQ(timezones(with + "/series"), (std::multiset<std::string>{"+0100"}));
  EXPECT_EQ(timezones(without + "/series"), (std::multiset<std::string>{"-", "-"}));
  EXPECT_EQ(timezones(with + "/instances"), (std::multiset<std::string>{"+0100", "+0100"}));
  EXPECT_EQ(timezones(with + "/series/" + t.series_uid + "/instances"),
            (std::multiset<std::string>{"+0100", "+0100"}));
  EXPECT_EQ(timezones(without + "/series/" + series_[0] + "/instances"),
            (std::multiset<std::string>{"-", "-", "-"}));
  EXPECT_EQ(timezones("/dicom-web/series?PatientID=P5"), (std::multiset<std::string>{"+0100"}));
}

TEST_F(DicomwebE2eTest, PagesWarnsAndRefusesBadParameters) {
  const auto all = QidoValues(Get("/dicom-web/studies"), "0020000D");
  std::set<std::string> paged;
  for (int offset = 0; offset < 6; offset += 4) {
    auto page = Get("/dicom-web/studies?limit=4&offset=" + std::to_string(offset));
    const auto values = QidoValues(page, "0020000D");
    EXPECT_EQ(values.size(), offset == 0 ? 4u : 2u);
    paged.insert(values.begin(), values.end());
  }
  EXPECT_EQ(paged, all);
  EXPECT_EQ(Get("/dicom-web/studies?offset=6").status, 204);
  // Past the end, with a limit or beyond what SQLite's signed OFFSET holds.
  EXPECT_EQ(Get("/dicom-web/studies?limit=4&offset=100").status, 204);
  EXPECT_EQ(Get("/dicom-web/studies?limit=4&offset=18446744073709551615").status, 204);
  EXPECT_EQ(QidoValues(Get("/dicom-web/studies?offset=5&limit=18446744073709551615"), "0020000D").size(), 1u);

  auto fuzzy = Get("/dicom-web/studies?PatientName=Doe*&fuzzymatching=true");
  EXPECT_EQ(fuzzy.status, 200);
  EXPECT_NE(fuzzy.headers["warning"].find("299 pixeldex \"The fuzzymatching parameter is not supported"),
            std::string::npos);

  EXPECT_EQ(Get("/dicom-web/studies?PatientName=Nobody").status, 204);
  for (const char* bad : {"/dicom-web/studies?limit=-1", "/dicom-web/studies?NoSuchKeyword=1",
                          "/dicom-web/studies?limit=ten", "/dicom-web/studies?SOPInstanceUID=1.2",
                          "/dicom-web/studies?PatientName=Doe&00100010=Roe",
                          "/dicom-web/studies?includefield=Nope", "/dicom-web/studies?x=%zz",
                          "/dicom-web/studies/1.2.abc/series", "/dicom-web/studies/01.2/series",
                          "/dicom-web/studies/..%2F..%2Fetc/series"}) {
    auto reply = Get(bad);
    EXPECT_EQ(reply.status, 400) << bad << " " << reply.body;
    EXPECT_FALSE(reply.body.empty()) << bad;
  }
  EXPECT_EQ(Get("/dicom-web/studies", {"Accept: multipart/related; type=\"application/dicom+xml\""}).status,
            406);
  // The log has one line per request, without the query's values.
  EXPECT_TRUE(server_->WaitForLog("http GET /dicom-web/studies?PatientName=&fuzzymatching= 200"))
      << server_->Log();
  EXPECT_EQ(server_->Log().find("Doe*"), std::string::npos);
}

// query.max_results caps a page below the client's limit (PS3.18 8.3.4.4):
// the page ends there with a Warning, and the next offset goes on from it.
class DicomwebCappedE2eTest : public DicomwebE2eTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    auto args = DicomwebE2eTest::ServerArgs();
    args.insert(args.end(), {"--set", "query.max_results=4"});
    return args;
  }
};

TEST_F(DicomwebCappedE2eTest, TheServerCapEndsAPageWithAWarningAndPagingGoesOn) {
  const auto all = QidoValues(Get("/dicom-web/studies?limit=10&offset=0"), "0020000D");
  auto first = Get("/dicom-web/studies");
  EXPECT_EQ(QidoValues(first, "0020000D").size(), 4u);
  EXPECT_NE(first.headers["warning"].find("exceeded the maximum"), std::string::npos);
  auto rest = Get("/dicom-web/studies?offset=4");
  EXPECT_EQ(QidoValues(rest, "0020000D").size(), 2u);
  EXPECT_EQ(rest.headers.count("warning"), 0u) << "the last two fit under the cap";
  auto within = Get("/dicom-web/studies?limit=4&offset=1");
  EXPECT_EQ(QidoValues(within, "0020000D").size(), 4u);
  EXPECT_EQ(within.headers.count("warning"), 0u) << "the client's limit ended that page";
  std::set<std::string> joined = QidoValues(first, "0020000D");
  const auto tail = QidoValues(rest, "0020000D");
  joined.insert(tail.begin(), tail.end());
  EXPECT_EQ(joined.size(), 6u);
  EXPECT_EQ(all.size(), 4u) << "limit=10 is capped too";
}

TEST_F(DicomwebE2eTest, RequiresCredentialsButNotForHealthAndMetrics) {
  const int port = server_->http_port();
  auto anonymous = HttpRequest(port, "GET", "/dicom-web/studies");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_NE(anonymous.headers["www-authenticate"].find("Basic"), std::string::npos);
  EXPECT_EQ(HttpRequest(port, "GET", "/dicom-web/studies",
                        {"Authorization: " + BasicAuthorization("alice", "builder")}).status,
            401);
  EXPECT_EQ(HttpRequest(port, "GET", "/dicom-web/studies",
                        {"Authorization: " + BasicAuthorization("alice", "wonderland")}).status,
            200);
  EXPECT_EQ(HttpRequest(port, "GET", "/healthz").status, 200);
  EXPECT_EQ(HttpRequest(port, "GET", "/metrics").status, 200);
  EXPECT_TRUE(server_->WaitForLog("http GET /dicom-web/studies 200")) << server_->Log();
  EXPECT_TRUE(server_->WaitForLog("user alice")) << server_->Log();
}

TEST_F(DicomwebE2eTest, AnswersCorsPreflightsForTheConfiguredOrigin) {
  const int port = server_->http_port();
  auto preflight = HttpRequest(port, "OPTIONS", "/dicom-web/studies",
                               {"Origin: http://viewer.test:3000",
                                "Access-Control-Request-Method: GET",
                                "Access-Control-Request-Headers: authorization"});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.headers["access-control-allow-origin"], "http://viewer.test:3000");
  EXPECT_NE(preflight.headers["access-control-allow-headers"].find("Authorization"),
            std::string::npos);
  auto actual = Get("/dicom-web/studies", {"Origin: http://viewer.test:3000"});
  EXPECT_EQ(actual.headers["access-control-allow-origin"], "http://viewer.test:3000");
  EXPECT_EQ(actual.headers["vary"], "Origin");
  auto other = Get("/dicom-web/studies", {"Origin: http://elsewhere.test"});
  EXPECT_EQ(other.headers.count("access-control-allow-origin"), 0u);
}

TEST_F(DicomwebE2eTest, ServesMetadataFromTheIndex) {
  auto study = Get("/dicom-web/studies/" + studies_[0] + "/metadata");
  ASSERT_EQ(study.status, 200) << study.body;
  EXPECT_EQ(study.headers["content-type"], "application/dicom+json");
  const json instances = json::parse(study.body);
  ASSERT_EQ(instances.size(), 5u);
  for (const json& instance : instances) {
    EXPECT_EQ(instance["0020000D"]["Value"][0], studies_[0]);
    EXPECT_EQ(instance["00100010"]["Value"][0]["Alphabetic"], "Doe^John");
  }
  const std::string series_path = "/dicom-web/studies/" + studies_[0] + "/series/" + series_[0];
  EXPECT_EQ(json::parse(Get(series_path + "/metadata").body).size(), 3u);
  const auto sops = QidoValues(Get(series_path + "/instances"), "00080018");
  ASSERT_EQ(sops.size(), 3u);
  auto one = Get(series_path + "/instances/" + *sops.begin() + "/metadata");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json::parse(one.body)[0]["00080018"]["Value"][0], *sops.begin());
  // The instance must belong to the series the URL names.
  EXPECT_EQ(Get("/dicom-web/studies/" + studies_[0] + "/series/" + series_[1] + "/instances/" +
                *sops.begin() + "/metadata")
                .status,
            404);
  EXPECT_EQ(Get("/dicom-web/studies/1.2.3.4.5/metadata").status, 404);
  EXPECT_EQ(Get("/dicom-web/studies/1.2.x/metadata").status, 400);
  EXPECT_EQ(HttpRequest(server_->http_port(), "GET",
                        "/dicom-web/studies/" + studies_[0] + "/metadata")
                .status,
            401);
}

TEST(DicomwebExposureE2eTest, RefusesToStartAnonymousDicomwebOnAllInterfaces) {
  TempDir dir;
  auto refused = RunProcess({PIXELDEX_BINARY, "serve", "--port", "0", "--storage", dir / "s",
                             "--index", dir / "i.db", "--http", "0.0.0.0:0"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("http.allow_anonymous"), std::string::npos) << refused.output;

  ServerProcess::Options options = ArchiveIn(dir);
  options.extra_args = {"--http", "0.0.0.0:0", "--set", "http.allow_anonymous=true"};
  auto server = ServerProcess::Start(options);
  EXPECT_EQ(HttpRequest(server->http_port(), "GET", "/dicom-web/studies").status, 204);
  EXPECT_EQ(server->Stop(), 0);
}

}  // namespace
}  // namespace pixeldex::testing
