// End-to-end: the WADO-RS Thumbnail resources and the web page's own routes
// (embedded files, the JSON API, the SQL console) on the real binary, with
// instances pushed by storescu. The page itself is tested in a browser
// (tests/browser); this checks the HTTP contract under it. Built twice: as
// web_e2e_test on a SQLite index, and with PIXELDEX_WEB_E2E_ON_POSTGRES as
// pg_web_e2e_test (tests/postgres) on a real PostgreSQL, where every answer
// must be the same (issue 18).

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/http_client.h"
#ifdef PIXELDEX_WEB_E2E_ON_POSTGRES
#include "tests/support/postgres_server.h"
#endif

namespace pixeldex::testing {
namespace {

using nlohmann::json;

constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";

class WebE2eTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override { return {"--http", "127.0.0.1:0"}; }
#ifdef PIXELDEX_WEB_E2E_ON_POSTGRES
  std::string IndexLocation() const override { return postgres_.Uri(); }
  // The server stops before its database.
  void TearDown() override { server_.reset(); }

  PostgresServer postgres_;
#endif

  void SetUp() override {
    ServerTest::SetUp();
    study_ = UniqueUid("1.");
    for (int series = 1; series <= 2; ++series) {
      TestInstance t;
      t.study_uid = study_;
      t.series_uid = UniqueUid("2.");
      t.series_number = series;
      series_.push_back(t.series_uid);
      for (int i = 1; i <= 2; ++i) {
        t.instance_number = i;
        t.sop_instance_uid = UniqueUid("3.");
        // Instances differ in size, so their thumbnails differ.
        t.rows = t.columns = static_cast<uint16_t>(8 + 4 * instances_.size());
        instances_.push_back(t.sop_instance_uid);
        files_.push_back(MakeInstance(t, t.sop_instance_uid + ".dcm"));
      }
    }
    auto r = StoreScu(files_);
    ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();
  }

  HttpReply Get(const std::string& path, std::vector<std::string> headers = {}) {
    return HttpRequest(server_->http_port(), "GET", path, headers);
  }
  HttpReply Query(const std::string& body, const std::string& type = "application/json") {
    return HttpRequest(server_->http_port(), "POST", "/api/query", {"Content-Type: " + type}, body);
  }
  std::string InstancePath(int k) const {
    const int series = k / 2;
    return "/dicom-web/studies/" + study_ + "/series/" + series_[series] + "/instances/" +
           instances_[k];
  }

  std::string study_;
  std::vector<std::string> series_, instances_, files_;
};

TEST_F(WebE2eTest, ThumbnailResourcesServeTheStoredPngs) {
  std::vector<std::string> bodies;
  for (int k = 0; k < 4; ++k) {
    auto reply = Get(InstancePath(k) + "/thumbnail");
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.headers.at("content-type"), "image/png");
    EXPECT_TRUE(reply.body.starts_with(kPngSignature));
    EXPECT_EQ(reply.headers.at("cache-control"), "private, max-age=86400, immutable");
    bodies.push_back(reply.body);
  }
  EXPECT_NE(bodies[0], bodies[1]);
  // A series stands for its first instance, a study for its first series'.
  auto series = Get("/dicom-web/studies/" + study_ + "/series/" + series_[1] + "/thumbnail");
  ASSERT_EQ(series.status, 200);
  EXPECT_EQ(series.body, bodies[2]);
  EXPECT_EQ(series.headers.at("cache-control"), "private, max-age=60");
  auto study = Get("/dicom-web/studies/" + study_ + "/thumbnail");
  ASSERT_EQ(study.status, 200);
  EXPECT_EQ(study.body, bodies[0]);
  // The page's shortcut for the SQL console finds the same one by UID alone.
  EXPECT_EQ(Get("/api/instances/" + instances_[3] + "/thumbnail").body, bodies[3]);
}

TEST_F(WebE2eTest, ThumbnailOfNothingIs404AndAMalformedUid400) {
  EXPECT_EQ(Get("/dicom-web/studies/1.2.3.4/thumbnail").status, 404);
  // The instance exists, but not in that series.
  const std::string elsewhere = "/dicom-web/studies/" + study_ + "/series/" + series_[0] +
                                "/instances/" + instances_[3] + "/thumbnail";
  EXPECT_EQ(Get(elsewhere).status, 404);
  EXPECT_EQ(Get("/dicom-web/studies/1.02/thumbnail").status, 400);
  EXPECT_EQ(Get("/dicom-web/studies/1.2*/thumbnail").status, 400);
}

TEST_F(WebE2eTest, ThePageIsServedWithItsSecurityHeaders) {
  auto page = Get("/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("/ui/app.js"), std::string::npos);
  EXPECT_NE(page.headers.at("content-security-policy").find("script-src 'self'"),
            std::string::npos);
  EXPECT_EQ(page.headers.at("x-content-type-options"), "nosniff");
  EXPECT_EQ(page.headers.at("cache-control"), "no-cache");
  auto script = Get("/ui/app.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.headers.at("content-type"), "text/javascript; charset=utf-8");
  // Revalidation: the same ETag answers 304 without the content.
  auto again = Get("/ui/app.js", {"If-None-Match: " + script.headers.at("etag")});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(Get("/ui/app.css").headers.at("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(Get("/ui/no-such-file.js").status, 404);
}

TEST_F(WebE2eTest, InstanceFactsComeFromTheIndexAndTheFileDownloads) {
  auto reply = Get("/api/instances/" + instances_[1]);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.headers.at("cache-control"), "no-store");
  const json facts = json::parse(reply.body);
  EXPECT_EQ(facts.at("study_instance_uid"), study_);
  EXPECT_EQ(facts.at("series_instance_uid"), series_[0]);
  EXPECT_EQ(facts.at("calling_aet"), "MODALITY");
  EXPECT_EQ(facts.at("transfer_syntax_uid"), "1.2.840.10008.1.2.1");
  EXPECT_EQ(facts.at("sha256").get<std::string>().size(), 64u);
  EXPECT_EQ(facts.at("thumbnail"), "ok");
  auto file = Get("/api/instances/" + instances_[1] + "/file");
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.headers.at("content-type"), "application/dicom");
  EXPECT_EQ(file.body.size(), facts.at("size_bytes").get<size_t>());
  EXPECT_EQ(file.body.substr(128, 4), "DICM");
  EXPECT_EQ(Get("/api/instances/1.2.3").status, 404);
  EXPECT_EQ(Get("/api/instances/..%2f..%2fetc/file").status, 400);
}

uint32_t LittleEndian(const std::string& bytes, size_t at, int width) {
  uint32_t v = 0;
  for (int k = width - 1; k >= 0; --k) v = v << 8 | static_cast<unsigned char>(bytes.at(at + k));
  return v;
}

TEST_F(WebE2eTest, ASeriesDownloadsAsAZipOfItsStoredFiles) {
  auto zip = Get("/api/series/" + series_[1] + "/files");
  ASSERT_EQ(zip.status, 200) << zip.body;
  EXPECT_EQ(zip.headers.at("content-type"), "application/zip");
  EXPECT_NE(zip.headers.at("content-disposition").find(series_[1] + ".zip"), std::string::npos);
  // Walk the local file headers (APPNOTE 4.3.7): stored entries, each the
  // instance's file with a matching CRC-32, in instance number order.
  size_t at = 0;
  std::vector<std::string> names;
  while (LittleEndian(zip.body, at, 4) == 0x04034b50) {
    const uint32_t crc = LittleEndian(zip.body, at + 14, 4);
    const uint32_t size = LittleEndian(zip.body, at + 18, 4);
    const uint32_t name_length = LittleEndian(zip.body, at + 26, 2);
    const uint32_t extra_length = LittleEndian(zip.body, at + 28, 2);
    const std::string name = zip.body.substr(at + 30, name_length);
    const std::string data = zip.body.substr(at + 30 + name_length + extra_length, size);
    const std::string sop = instances_[2 + names.size()];
    EXPECT_EQ(name, "0000" + std::to_string(names.size() + 1) + "-" + sop + ".dcm");
    EXPECT_EQ(data, Get("/api/instances/" + sop + "/file").body);
    EXPECT_EQ(crc, crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(size)));
    names.push_back(name);
    at += 30 + name_length + extra_length + size;
  }
  EXPECT_EQ(names.size(), 2u);
  // The end of central directory record counts them (APPNOTE 4.3.16).
  const size_t end = zip.body.size() - 22;
  EXPECT_EQ(LittleEndian(zip.body, end, 4), 0x06054b50u);
  EXPECT_EQ(LittleEndian(zip.body, end + 10, 2), 2u);
  EXPECT_EQ(LittleEndian(zip.body, end + 16, 4), at);  // the directory follows the files
  EXPECT_EQ(Get("/api/series/1.2.3/files").status, 404);
}

TEST_F(WebE2eTest, ASeriesSummaryCountsInstancesFramesAndStoredBytes) {
  // One more instance in the second series, of three frames.
  TestInstance t;
  t.study_uid = study_;
  t.series_uid = series_[1];
  t.series_number = 2;
  t.instance_number = 3;
  t.sop_instance_uid = UniqueUid("3.");
  t.number_of_frames = 3;
  auto r = StoreScu({MakeInstance(t, t.sop_instance_uid + ".dcm")});
  ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();

  auto reply = Get("/api/series/" + series_[1]);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.headers.at("cache-control"), "no-store");
  const json summary = json::parse(reply.body);
  EXPECT_EQ(summary.at("instances"), 3);
  EXPECT_EQ(summary.at("frames"), 1 + 1 + 3);
  size_t bytes = 0;
  for (const std::string& sop : {instances_[2], instances_[3], t.sop_instance_uid}) {
    bytes += json::parse(Get("/api/instances/" + sop).body).at("size_bytes").get<size_t>();
  }
  EXPECT_EQ(summary.at("size_bytes").get<size_t>(), bytes);
  EXPECT_EQ(Get("/api/series/1.2.3").status, 404);
  EXPECT_EQ(Get("/api/series/1.2.abc").status, 400);
}

TEST_F(WebE2eTest, ChangesRiseWhenInstancesArrive) {
  const json before = json::parse(Get("/api/changes").body);
  EXPECT_EQ(before.at("studies"), 1);
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  t.study_uid = UniqueUid("1.");
  ASSERT_EQ(StoreScu({MakeInstance(t, "late.dcm")}).exit_code, 0);
  const json after = json::parse(Get("/api/changes").body);
  EXPECT_GT(after.at("last_instance").get<int64_t>(), before.at("last_instance").get<int64_t>());
  EXPECT_EQ(after.at("studies"), 2);
  const json dictionary = json::parse(Get("/api/dictionary").body);
  EXPECT_EQ(dictionary.at("00100010"), "PatientName");
}

TEST_F(WebE2eTest, SqlConsoleRunsReadOnlyQueriesWithLimits) {
  auto reply = Query(
      R"({"sql": "SELECT series_number, count(*) AS n, NULL AS empty FROM instance_details GROUP BY 1 ORDER BY 1"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.headers.at("cache-control"), "no-store");
  const json answer = json::parse(reply.body);
  EXPECT_EQ(answer.at("columns"), json({"series_number", "n", "empty"}));
  EXPECT_EQ(answer.at("rows"), json({{1, 2, nullptr}, {2, 2, nullptr}}));
  EXPECT_EQ(answer.at("truncated"), false);

  const json cut = json::parse(
      Query(R"({"sql": "SELECT sop_instance_uid FROM instances", "max_rows": 3})").body);
  EXPECT_EQ(cut.at("rows").size(), 3u);
  EXPECT_EQ(cut.at("truncated"), true);

  const json png = json::parse(Query(R"({"sql": "SELECT png FROM thumbnails LIMIT 1"})").body);
  EXPECT_GT(png.at("rows")[0][0].at("blob").get<int>(), 0);
  EXPECT_TRUE(png.at("rows")[0][0].contains("png"));

  auto refused = Query(R"({"sql": "DELETE FROM studies"})");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(json::parse(refused.body).at("error").get<std::string>().find("read-only"),
            std::string::npos);
  EXPECT_EQ(json::parse(Query(R"({"sql": "SELECT count(*) FROM studies"})").body).at("rows")[0][0],
            1);

  auto wrong = Query(R"({"sql": "SELECT nonsense FROM nowhere"})");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(wrong.body.find("nowhere"), std::string::npos);
  EXPECT_EQ(Query("SELECT 1", "text/plain").status, 415);
  EXPECT_EQ(Query("{\"query\": 1}").status, 400);
}

TEST_F(WebE2eTest, TheIndexSaysWhichSqlTheConsoleSpeaks) {
  auto reply = Get("/api/index");
  ASSERT_EQ(reply.status, 200) << reply.body;
#ifdef PIXELDEX_WEB_E2E_ON_POSTGRES
  EXPECT_EQ(json::parse(reply.body), json({{"database", "postgresql"}}));
  // Its own SQL: jsonb, and what the activity page asks of it.
  const json tags = json::parse(Query(R"({"sql": "SELECT jsonb_typeof(json) FROM headers LIMIT 1"})").body);
  EXPECT_EQ(tags.at("rows"), json({{"object"}}));
  const std::string day_ago =
      R"(to_char(now() AT TIME ZONE 'UTC' - interval '1 day', 'YYYY-MM-DD\"T\"HH24:MI:SS'))";
#else
  EXPECT_EQ(json::parse(reply.body), json({{"database", "sqlite"}}));
  const std::string day_ago = "strftime('%Y-%m-%dT%H:%M:%S', 'now', '-1 day')";
#endif
  // The activity page's first query (server/web/assets/activity.js): every
  // instance arrived within the day.
  const json hours = json::parse(
      Query(R"({"sql": "SELECT count(*) FROM instances WHERE received_at >= )" + day_ago + R"("})")
          .body);
  EXPECT_EQ(hours.at("rows"), json({{4}})) << hours;
}

// Rows are read as the database sends them: an endless result ends at the
// row limit at once, well before the time limit.
TEST_F(WebE2eTest, SqlConsoleStopsAnEndlessResultAtTheRowLimit) {
  auto reply = Query(R"({"sql": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL )"
                     R"(SELECT x + 1 FROM c) SELECT x FROM c", "max_rows": 5})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json answer = json::parse(reply.body);
  EXPECT_EQ(answer.at("rows"), json({{1}, {2}, {3}, {4}, {5}}));
  EXPECT_EQ(answer.at("truncated"), true);
  // The connection it ran on is gone cleanly: the next query answers.
  EXPECT_EQ(json::parse(Query(R"({"sql": "SELECT count(*) FROM studies"})").body).at("rows")[0][0],
            1);
}

TEST_F(WebE2eTest, SqlConsoleStopsARunawayQuery) {
  auto reply = Query(
      R"({"sql": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"})");
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("ran longer than 5000 ms"), std::string::npos) << reply.body;
  // The server answers the next request as before.
  EXPECT_EQ(Get("/api/changes").status, 200);
}

}  // namespace
}  // namespace pixeldex::testing
