// End-to-end STOW-RS (PS3.18 10.5) with the real binary and curl as the
// client: hand-built multipart/related bodies of generated instances, then
// findscu and QIDO find what was stored, the stored files are the posted
// bytes, and every failure (a bad part, another study, a truncated body, a
// duplicate under storage.duplicates = reject, a read-only user) is answered
// as PS3.18 says and stores nothing it should not.

#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/e2e/dicomweb_users.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/raw_store_client.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kBoundary = "pixeldex-stow-test.boundary";
constexpr const char* kContentType =
    "multipart/related; type=\"application/dicom\"; boundary=\"pixeldex-stow-test.boundary\"";

// A multipart/related body (RFC 2046 5.1.1) with one application/dicom part
// per content, a preamble and an epilogue.
std::string MultipartBody(const std::vector<std::string>& contents) {
  std::string body = "a preamble clients may send\r\n";
  for (const std::string& content : contents) {
    body += std::string("--") + kBoundary + "\r\nContent-Type: application/dicom\r\n\r\n" +
            content + "\r\n";
  }
  return body + "--" + kBoundary + "--\r\nan epilogue\r\n";
}

struct CurlReply {
  int status = 0;
  std::string body;
};

class StowE2eTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--http", "127.0.0.1:0", "--set", UsersSetting()};
  }

  // POSTs `body` to `path` with curl as `user`; returns the status and body.
  CurlReply Post(const std::string& path, const std::string& body,
                 const std::string& content_type = kContentType,
                 const std::string& user = "alice:wonderland") {
    const std::string in = dir_ / ("request" + std::to_string(++posts_));
    const std::string out = in + ".answer";
    std::ofstream(in, std::ios::binary) << body;
    auto r = RunProcess({"curl", "-sS", "-o", out, "-w", "%{http_code}", "-u", user, "-X", "POST",
                         "-H", "Content-Type: " + content_type, "-H",
                         "Accept: application/dicom+json", "--data-binary", "@" + in,
                         "http://127.0.0.1:" + std::to_string(server_->http_port()) + path});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return {std::atoi(r.output.c_str()), ReadFileBytes(out)};
  }

  TestInstance Instance(const std::string& study) const {
    TestInstance t;
    t.study_uid = study;
    t.series_uid = UniqueUid("2.");
    t.sop_instance_uid = UniqueUid("3.");
    return t;
  }
  std::string FileOf(const TestInstance& t) { return MakeInstance(t, t.sop_instance_uid + ".dcm"); }
  std::string StoredPath(const TestInstance& t) const {
    return StoragePath(t.study_uid + "/" + t.series_uid + "/" + t.sop_instance_uid + ".dcm");
  }
  long long Instances() const { return Index().Count("SELECT count(*) FROM instances"); }
  bool IncomingIsEmpty() const { return fs::is_empty(StoragePath(".incoming")); }

  // The Referenced SOP Instance UIDs of `sequence` (e.g. "00081199") in a response.
  static std::vector<std::string> Referenced(const json& answer, const std::string& sequence) {
    std::vector<std::string> uids;
    if (!answer.contains(sequence)) return uids;
    for (const json& item : answer.at(sequence).at("Value")) {
      uids.push_back(item.at("00081155").at("Value").at(0).get<std::string>());
    }
    return uids;
  }

  int posts_ = 0;
};

TEST_F(StowE2eTest, StoredInstancesAreFoundByFindscuAndQidoAndAreThePostedBytes) {
  const std::string study = UniqueUid("1.");
  const TestInstance a = Instance(study);
  const TestInstance b = Instance(study);
  const TestInstance c = Instance(UniqueUid("1."));
  const std::vector<std::string> files = {FileOf(a), FileOf(b), FileOf(c)};
  std::vector<std::string> contents;
  for (const std::string& f : files) contents.push_back(ReadFileBytes(f));

  const CurlReply reply = Post("/dicom-web/studies", MultipartBody(contents));
  ASSERT_EQ(reply.status, 200) << reply.body << server_->Log();
  const json answer = json::parse(reply.body);
  EXPECT_EQ(Referenced(answer, "00081199"),
            (std::vector{a.sop_instance_uid, b.sop_instance_uid, c.sop_instance_uid}));
  EXPECT_FALSE(answer.contains("00081198"));
  const json& first = answer.at("00081199").at("Value").at(0);
  EXPECT_EQ(first.at("00081150").at("Value").at(0), a.sop_class_uid);
  EXPECT_EQ(first.at("00081190").at("Value").at(0),
            "http://127.0.0.1:" + std::to_string(server_->http_port()) + "/dicom-web/studies/" +
                study + "/series/" + a.series_uid + "/instances/" + a.sop_instance_uid);

  // Durable and indexed before the answer: findscu sees them at once.
  auto found = Find({"-S", "-k", "QueryRetrieveLevel=IMAGE", "-k", "StudyInstanceUID=" + study,
                     "-k", "SOPInstanceUID"});
  EXPECT_EQ(found.size(), 2u);
  auto qido = HttpRequest(server_->http_port(), "GET", "/dicom-web/studies/" + study + "/instances",
                          {"Authorization: " + BasicAuthorization("bob", "builder")});
  ASSERT_EQ(qido.status, 200) << qido.body;
  EXPECT_EQ(json::parse(qido.body).size(), 2u);
  // Stored exactly as posted, with its thumbnail, and marked as DICOMweb's.
  EXPECT_EQ(ReadFileBytes(StoredPath(a)), contents[0]);
  EXPECT_EQ(ReadFileBytes(StoredPath(c)), contents[2]);
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances i JOIN thumbnails t USING (instance_pk) "
                          "WHERE i.source = 'dicomweb' AND t.status = 'ok'"),
            3);
  EXPECT_TRUE(IncomingIsEmpty());
}

TEST_F(StowE2eTest, OneBadPartFailsAloneWith202AndItsReason) {
  const std::string study = UniqueUid("1.");
  const TestInstance good = Instance(study);
  const TestInstance other_study = Instance(UniqueUid("1."));
  const CurlReply reply =
      Post("/dicom-web/studies/" + study,
           MultipartBody({ReadFileBytes(FileOf(good)), "this is not DICOM at all",
                          ReadFileBytes(FileOf(other_study))}));
  ASSERT_EQ(reply.status, 202) << reply.body << server_->Log();
  const json answer = json::parse(reply.body);
  EXPECT_EQ(Referenced(answer, "00081199"), std::vector{good.sop_instance_uid});
  // PS3.18 10.5.1: an instance of another study than the URL's is not stored (A900).
  EXPECT_EQ(Referenced(answer, "00081198"), std::vector{other_study.sop_instance_uid});
  const json& failed = answer.at("00081198").at("Value").at(0);
  EXPECT_EQ(failed.at("00081197").at("Value").at(0), 0xA900);
  EXPECT_NE(failed.at("00000902").at("Value").at(0).get<std::string>().find("Study Instance UID"),
            std::string::npos);
  // The garbage part has no UIDs: Other Failures Sequence, C000.
  const json& other = answer.at("0008119A").at("Value");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other.at(0).at("00081197").at("Value").at(0), 0xC000);

  EXPECT_EQ(Instances(), 1);
  EXPECT_FALSE(fs::exists(StoredPath(other_study)));
  EXPECT_EQ(Index().Count("SELECT count(*) FROM events WHERE kind = 'store_failed'"), 2);
  EXPECT_TRUE(IncomingIsEmpty());
}

TEST_F(StowE2eTest, ManyPartsStoredTogetherAreAnsweredInTheirOrder) {
  // More parts than are stored at a time (4), one bad among them: the answer
  // lists them in the body's order, and every good one is indexed when it
  // comes.
  const std::string study = UniqueUid("1.");
  std::vector<std::string> contents, expected;
  for (int i = 0; i < 13; ++i) {
    if (i == 6) {
      contents.push_back("not DICOM");
      continue;
    }
    TestInstance t = Instance(study);
    t.instance_number = i + 1;
    contents.push_back(ReadFileBytes(FileOf(t)));
    expected.push_back(t.sop_instance_uid);
  }
  const CurlReply reply = Post("/dicom-web/studies", MultipartBody(contents));
  ASSERT_EQ(reply.status, 202) << reply.body << server_->Log();
  const json answer = json::parse(reply.body);
  EXPECT_EQ(Referenced(answer, "00081199"), expected);
  EXPECT_EQ(answer.at("0008119A").at("Value").size(), 1u);
  EXPECT_EQ(Instances(), 12);
  EXPECT_TRUE(IncomingIsEmpty());
}

TEST_F(StowE2eTest, ATruncatedBodyStoresOnlyTheWholeParts) {
  const TestInstance whole = Instance(UniqueUid("1."));
  const TestInstance cut = Instance(UniqueUid("1."));
  std::string body = MultipartBody({ReadFileBytes(FileOf(whole))});
  body.resize(body.find(std::string("--") + kBoundary + "--"));  // drop the close delimiter
  const std::string cut_bytes = ReadFileBytes(FileOf(cut));
  body += std::string("--") + kBoundary + "\r\nContent-Type: application/dicom\r\n\r\n" +
          cut_bytes.substr(0, cut_bytes.size() - 100);
  const CurlReply reply = Post("/dicom-web/studies", body);
  ASSERT_EQ(reply.status, 202) << reply.body << server_->Log();
  const json answer = json::parse(reply.body);
  EXPECT_EQ(Referenced(answer, "00081199"), std::vector{whole.sop_instance_uid});
  const json& other = answer.at("0008119A").at("Value");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_NE(other.at(0).at("00000902").at("Value").at(0).get<std::string>().find("truncated"),
            std::string::npos);
  EXPECT_EQ(Instances(), 1);
  EXPECT_FALSE(fs::exists(StoredPath(cut)));
  EXPECT_TRUE(IncomingIsEmpty());
}

// The connection closes in the middle of a part, the body read as it
// arrives: the whole parts before it are stored (durable, indexed), nothing
// of the cut part remains, and the answer says so to a peer that only
// stopped sending, or the log does when the peer is gone.
TEST_F(StowE2eTest, AConnectionClosedMidPartKeepsTheWholePartsAndNothingPartial) {
  for (const bool peer_reads : {false, true}) {
    const TestInstance first = Instance(UniqueUid("1."));
    const TestInstance second = Instance(UniqueUid("1."));
    const TestInstance cut = Instance(UniqueUid("1."));
    const std::string cut_bytes = ReadFileBytes(FileOf(cut));
    const std::string body = MultipartBody(
        {ReadFileBytes(FileOf(first)), ReadFileBytes(FileOf(second)), cut_bytes});
    const std::string sent =
        "POST /dicom-web/studies HTTP/1.1\r\nHost: x\r\n"
        "Authorization: Basic YWxpY2U6d29uZGVybGFuZA==\r\n"  // alice:wonderland
        "Content-Type: " + std::string(kContentType) +
        "\r\nAccept: application/dicom+json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body.substr(0, body.find(cut_bytes) + cut_bytes.size() / 2);
    const int fd = ConnectLoopback(server_->http_port());
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::send(fd, sent.data(), sent.size(), MSG_NOSIGNAL), static_cast<ssize_t>(sent.size()));
    if (peer_reads) {
      ::shutdown(fd, SHUT_WR);
      std::string answer;
      char buffer[4096];
      for (ssize_t n; (n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0;) answer.append(buffer, n);
      ::close(fd);
      ASSERT_EQ(answer.rfind("HTTP/1.1 202", 0), 0u) << answer << server_->Log();
      const json reply = json::parse(answer.substr(answer.find("\r\n\r\n") + 4));
      EXPECT_EQ(Referenced(reply, "00081199"),
                (std::vector{first.sop_instance_uid, second.sop_instance_uid}));
      const json& failed = reply.at("0008119A").at("Value");
      ASSERT_EQ(failed.size(), 1u);
      EXPECT_NE(failed.at(0).at("00000902").at("Value").at(0).get<std::string>().find("truncated"),
                std::string::npos);
    } else {
      ::close(fd);
      // Logged once every part is stored or removed.
      ASSERT_TRUE(server_->WaitForLog("the request body ended early")) << server_->Log();
      EXPECT_NE(server_->Log().find("2 instance(s) stored, 1 failed"), std::string::npos)
          << server_->Log();
    }
    EXPECT_TRUE(fs::exists(StoredPath(first)));
    EXPECT_TRUE(fs::exists(StoredPath(second)));
    EXPECT_FALSE(fs::exists(StoredPath(cut)));
    EXPECT_TRUE(IncomingIsEmpty());
  }
  EXPECT_EQ(Instances(), 4);
}

TEST_F(StowE2eTest, RefusedRequestsStoreNothing) {
  const std::string body = MultipartBody({ReadFileBytes(FileOf(Instance(UniqueUid("1."))))});
  // PS3.18 10.5: writing needs a user that may write.
  EXPECT_EQ(Post("/dicom-web/studies", body, kContentType, "bob:builder").status, 403);
  EXPECT_EQ(Post("/dicom-web/studies", body, kContentType, "alice:wrong").status, 401);
  // The metadata + bulk data form is not implemented: 415, said honestly.
  const CurlReply json_form = Post("/dicom-web/studies", body,
                                   "multipart/related; type=\"application/dicom+json\"; "
                                   "boundary=\"pixeldex-stow-test.boundary\"");
  EXPECT_EQ(json_form.status, 415);
  EXPECT_NE(json_form.body.find("not implemented"), std::string::npos);
  EXPECT_EQ(Post("/dicom-web/studies", body, "application/dicom").status, 415);
  // Not multipart at all, or no boundary: 400 with the reason.
  const CurlReply garbage = Post("/dicom-web/studies", "garbage");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_NE(garbage.body.find("delimiter"), std::string::npos);
  EXPECT_EQ(
      Post("/dicom-web/studies", body, "multipart/related; type=\"application/dicom\"").status,
      400);
  EXPECT_EQ(Post("/dicom-web/studies/1.2.x", body).status, 400);
  EXPECT_EQ(Instances(), 0);
  EXPECT_TRUE(IncomingIsEmpty());
}

// A STOW-RS body is read as it arrives, each part written to the incoming
// directory, not held in memory: a request far over http.max_body_mb (1 MB,
// the limit of bodies held in memory) is stored whole; one over
// http.max_stow_mb is 413 and stores nothing; no incoming file is left once
// answered.
class StowLargeBodyE2eTest : public StowE2eTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    auto args = StowE2eTest::ServerArgs();
    args.insert(args.end(), {"--set", "http.max_body_mb=1", "--set", "http.max_stow_mb=6"});
    return args;
  }
};

TEST_F(StowLargeBodyE2eTest, ABodyOverTheInMemoryLimitIsStoredAndOneOverMaxStowIsRefused) {
  const std::string study = UniqueUid("1.");
  std::vector<std::string> contents;
  std::vector<std::string> uids;
  for (int i = 0; i < 4; ++i) {  // 4 x 1 MiB of pixels (512 x 1024 x 16 bits)
    TestInstance t = Instance(study);
    t.rows = 512;
    t.columns = 1024;
    contents.push_back(ReadFileBytes(FileOf(t)));
    uids.push_back(t.sop_instance_uid);
  }
  const CurlReply reply = Post("/dicom-web/studies", MultipartBody(contents));
  ASSERT_EQ(reply.status, 200) << reply.body << server_->Log();
  EXPECT_EQ(Referenced(json::parse(reply.body), "00081199"), uids);
  EXPECT_EQ(Instances(), 4);
  EXPECT_TRUE(IncomingIsEmpty());

  const std::vector<std::string> once = contents;
  contents.insert(contents.end(), once.begin(), once.end());  // 8 MiB > 6 MiB
  EXPECT_EQ(Post("/dicom-web/studies", MultipartBody(contents)).status, 413);
  EXPECT_EQ(Instances(), 4);
  EXPECT_TRUE(IncomingIsEmpty());
}

class StowRejectDuplicatesE2eTest : public StowE2eTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    auto args = StowE2eTest::ServerArgs();
    args.insert(args.end(), {"--set", "storage.duplicates=reject"});
    return args;
  }
};

TEST_F(StowRejectDuplicatesE2eTest, ASecondCopyIsRefusedWith0111AsByCStore) {
  const TestInstance t = Instance(UniqueUid("1."));
  const std::string bytes = ReadFileBytes(FileOf(t));
  ASSERT_EQ(Post("/dicom-web/studies", MultipartBody({bytes})).status, 200) << server_->Log();
  const CurlReply again = Post("/dicom-web/studies", MultipartBody({bytes}));
  ASSERT_EQ(again.status, 409) << again.body;
  const json answer = json::parse(again.body);
  EXPECT_EQ(Referenced(answer, "00081198"), std::vector{t.sop_instance_uid});
  EXPECT_EQ(answer.at("00081198").at("Value").at(0).at("00081197").at("Value").at(0), 0x0111);
  EXPECT_EQ(Instances(), 1);
}

// PS3.18 8.9: the capabilities list STOW beside QIDO; each resource says
// what it allows.
TEST_F(StowE2eTest, CapabilitiesAndAllowListStow) {
  const std::string root = "http://127.0.0.1:" + std::to_string(server_->http_port());
  auto wadl =
      RunProcess({"curl", "-sS", "-u", "bob:builder", "-X", "OPTIONS", root + "/dicom-web"});
  ASSERT_EQ(wadl.exit_code, 0) << wadl.output;
  EXPECT_NE(wadl.output.find("<resources base=\"" + root + "/dicom-web/\">"), std::string::npos)
      << wadl.output;
  EXPECT_NE(wadl.output.find("<method name=\"POST\"/>"), std::string::npos);
  auto allow = HttpRequest(server_->http_port(), "OPTIONS", "/dicom-web/studies",
                           {"Authorization: " + BasicAuthorization("bob", "builder")});
  EXPECT_EQ(allow.status, 204);
  EXPECT_EQ(allow.headers["allow"], "GET, HEAD, POST");
}

// /metrics counts DICOMweb requests by resource kind and status class, and
// times them by kind.
TEST_F(StowE2eTest, MetricsCountDicomwebRequestsByKindAndStatusClass) {
  const std::string body = MultipartBody({ReadFileBytes(FileOf(Instance(UniqueUid("1."))))});
  ASSERT_EQ(Post("/dicom-web/studies", body).status, 200) << server_->Log();
  EXPECT_EQ(Post("/dicom-web/studies", body, kContentType, "bob:builder").status, 403);
  auto qido = HttpRequest(server_->http_port(), "GET", "/dicom-web/studies",
                          {"Authorization: " + BasicAuthorization("bob", "builder")});
  EXPECT_EQ(qido.status, 200);

  auto page = HttpRequest(server_->http_port(), "GET", "/metrics");
  ASSERT_EQ(page.status, 200);
  const auto samples = MetricSamples(page.body);
  auto sample = [&](const std::string& key) {
    auto it = samples.find(key);
    return it == samples.end() ? -1.0 : it->second;
  };
  EXPECT_EQ(sample("pixeldex_dicomweb_requests_total{kind=\"stow\",status=\"2xx\"}"), 1);
  EXPECT_EQ(sample("pixeldex_dicomweb_requests_total{kind=\"stow\",status=\"4xx\"}"), 1);
  EXPECT_EQ(sample("pixeldex_dicomweb_requests_total{kind=\"qido\",status=\"2xx\"}"), 1);
  EXPECT_EQ(sample("pixeldex_dicomweb_request_duration_seconds_count{kind=\"stow\"}"), 2);
  EXPECT_EQ(sample("pixeldex_dicomweb_request_duration_seconds_bucket{kind=\"qido\",le=\"+Inf\"}"),
            1);
  // The same pipeline as C-STORE: the stored instance is counted there too.
  EXPECT_EQ(sample("pixeldex_instances_stored_total"), 1);
}

}  // namespace
}  // namespace pixeldex::testing
