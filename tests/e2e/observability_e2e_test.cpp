// End-to-end: `pixeldex serve --http` on a free port. /metrics after a known
// number of C-ECHOs, C-STOREs and C-FINDs by DCMTK's clients, /healthz for a
// usable and an unusable server, and the HTTP server's strictness.

#include <filesystem>
#include <regex>
#include <sstream>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/taken_port.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

class ObservabilityE2eTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--http", "127.0.0.1:0",
            "--set",  "storage.duplicates=reject",
            "--set",  "network.require_called_aet=true"};
  }

  ProcessResult FindStudies() const {
    return RunProcess(
        {"findscu", "-S", "-aet", "VIEWER", "-aec", "PIXELDEX", "-k", "QueryRetrieveLevel=STUDY",
         "-k", "StudyInstanceUID", "127.0.0.1", server_->port_string()},
        FastClientEnv());
  }
};

TEST_F(ObservabilityE2eTest, MetricsCountWhatTheClientsDid) {
  ASSERT_GT(server_->http_port(), 0);
  std::vector<std::string> files;
  for (int i = 0; i < 3; ++i) {
    TestInstance t;
    t.sop_instance_uid = UniqueUid("3.");
    t.instance_number = i + 1;
    files.push_back(MakeInstance(t, "i" + std::to_string(i) + ".dcm"));
  }
  ASSERT_EQ(StoreScu(files).exit_code, 0);
  StoreScu({files[0]});  // a duplicate: refused with 0111 (counted below)
  // Stored, but its thumbnail cannot be rendered: not a JPEG 2000 codestream.
  TestInstance broken;
  broken.sop_instance_uid = UniqueUid("3.");
  const std::string j2k = dir_ / "broken_j2k.dcm";
  WriteEncapsulatedInstance(j2k, broken, EXS_JPEG2000LosslessOnly, "not a codestream");
  ASSERT_EQ(
      RunProcess({"dcmsend", "-aec", "PIXELDEX", "-dn", "127.0.0.1", server_->port_string(), j2k},
                 FastClientEnv())
          .exit_code,
      0);
  ASSERT_EQ(FindStudies().exit_code, 0);
  ASSERT_EQ(FindStudies().exit_code, 0);
  // A failing C-FIND: a level the model does not have (A900).
  RunProcess({"findscu", "-S", "-aet", "VIEWER", "-aec", "PIXELDEX", "-k",
              "QueryRetrieveLevel=NONSENSE", "127.0.0.1", server_->port_string()},
             FastClientEnv());
  ASSERT_EQ(EchoScu(*server_, "PROBE").exit_code, 0);
  // Rejected: require_called_aet.
  EXPECT_NE(EchoScu(*server_, "PROBE", "SOMEONE_ELSE").exit_code, 0);

  auto m = SettledMetrics(server_->http_port());
  EXPECT_EQ(m["pixeldex_associations_active"], 0);
  EXPECT_EQ(m["pixeldex_associations_total"], 7);
  EXPECT_EQ(m["pixeldex_associations_rejected_total"], 1);
  EXPECT_EQ(m["pixeldex_cecho_requests_total"], 1);
  EXPECT_EQ(m["pixeldex_instances_stored_total"], 4);
  EXPECT_EQ(m[R"(pixeldex_cstore_responses_total{status="0000"})"], 4);
  EXPECT_EQ(m[R"(pixeldex_cstore_responses_total{status="0111"})"], 1);
  EXPECT_EQ(m[R"(pixeldex_cfind_responses_total{status="0000"})"], 2);
  EXPECT_EQ(m[R"(pixeldex_cfind_responses_total{status="A900"})"], 1);
  EXPECT_EQ(m["pixeldex_thumbnail_failures_total"], 1);
  EXPECT_EQ(m["pixeldex_received_bytes_total"],
            Index().Count("SELECT sum(size_bytes) FROM instances"));
  // Every ingest attempt is timed, the refused duplicate too.
  EXPECT_EQ(m["pixeldex_ingest_duration_seconds_count"], 5);
  EXPECT_EQ(m[R"(pixeldex_ingest_duration_seconds_bucket{le="+Inf"})"], 5);
  EXPECT_GT(m["pixeldex_ingest_duration_seconds_sum"], 0);
  // The index (with WAL) holds the schema and rows: many pages of 4 KiB.
  EXPECT_GT(m["pixeldex_index_size_bytes"], 16 * 4096);
  EXPECT_GT(m["pixeldex_storage_free_bytes"], 0);
}

TEST_F(ObservabilityE2eTest, MetricsPageIsPrometheusTextFormat) {
  const HttpReply reply = HttpRequest(server_->http_port(), "GET", "/metrics");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  // Exposition format 0.0.4: HELP and TYPE before a metric's samples, then
  // "name{label="value"} number" lines.
  const std::regex sample(
      R"(^(pixeldex_[a-z_]+?)(_bucket|_sum|_count)?(\{[a-z]+="[^"]*"\})? [0-9.e+-]+$)");
  const std::regex type(R"(^# TYPE (pixeldex_[a-z_]+) (counter|gauge|histogram)$)");
  std::set<std::string> typed;
  std::istringstream in(reply.body);
  std::string line;
  std::smatch match;
  int samples = 0;
  while (std::getline(in, line)) {
    if (std::regex_match(line, match, type)) {
      typed.insert(match[1]);
    } else if (line.rfind("# HELP pixeldex_", 0) != 0) {
      ASSERT_TRUE(std::regex_match(line, match, sample)) << line;
      const bool declared =
          typed.count(match[1].str()) > 0 || typed.count(match[1].str() + match[2].str()) > 0;
      EXPECT_TRUE(declared) << "sample before its TYPE line: " << line;
      ++samples;
    }
  }
  EXPECT_GT(samples, 10);
}

TEST_F(ObservabilityE2eTest, HealthzIsOkUntilTheIndexGoesAway) {
  HttpReply reply = HttpRequest(server_->http_port(), "GET", "/healthz");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "ok\n");
  EXPECT_EQ(HttpRequest(server_->http_port(), "GET", "/healthz?verbose=1").status, 200);
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(dir_ / (std::string("index.db") + suffix));
  reply = HttpRequest(server_->http_port(), "GET", "/healthz");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.body.rfind("index: ", 0), 0u) << reply.body;
}

TEST_F(ObservabilityE2eTest, OnlyGetAndHeadOnKnownPaths) {
  const int port = server_->http_port();
  HttpReply reply = HttpRequest(port, "POST", "/metrics");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.headers["allow"], "GET, HEAD");
  EXPECT_EQ(HttpRequest(port, "DELETE", "/healthz").status, 405);
  EXPECT_EQ(HttpRequest(port, "GET", "/nothing-here").status, 404);
  reply = HttpRequest(port, "HEAD", "/metrics");
  EXPECT_EQ(reply.status, 200);
  EXPECT_TRUE(reply.body.empty());
  EXPECT_GT(std::stoi(reply.headers.at("content-length")), 100);
  // Garbage, an oversized head, and a body are refused, and the server goes on.
  EXPECT_EQ(HttpExchange(port, "NOT HTTP AT ALL\r\n\r\n").status, 400);
  EXPECT_EQ(
      HttpExchange(port, "GET /metrics HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n")
          .status,
      413);
  EXPECT_EQ(HttpExchange(port, "GET /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello").status,
            413);
  EXPECT_EQ(HttpRequest(port, "GET", "/healthz").status, 200);
}

TEST_F(ObservabilityE2eTest, SigtermStopsBothListeners) {
  const int http_port = server_->http_port();
  ASSERT_EQ(HttpRequest(http_port, "GET", "/healthz").status, 200);
  EXPECT_EQ(server_->Stop(), 0);
  EXPECT_THROW(HttpRequest(http_port, "GET", "/healthz"), std::runtime_error);
}

TEST(HealthzE2eTest, ServiceUnavailableWhileStorageIsBelowItsThreshold) {
  TempDir dir;
  ServerProcess::Options options = ArchiveIn(dir);
  // More free space than any test machine has.
  options.extra_args = {"--http", "127.0.0.1:0", "--set", "storage.min_free_mb=1000000000"};
  auto server = ServerProcess::Start(options);
  const HttpReply reply = HttpRequest(server->http_port(), "GET", "/healthz");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.body.rfind("storage: ", 0), 0u) << reply.body;
}

TEST(HttpStartE2eTest, ABadOrBusyHttpAddressStopsTheStart) {
  TempDir dir;
  auto bad = RunProcess({PIXELDEX_BINARY, "serve", "--port", "0", "--storage", dir / "s", "--index",
                         dir / "i.db", "--http", "localhost:8080"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("http.listen: expected ADDR:PORT"), std::string::npos) << bad.output;

  // A port someone else listens on.
  const TakenPort port(TakenPort::On::kLoopback);
  ASSERT_NE(port.port(), 0);
  const std::string taken = "127.0.0.1:" + port.port_string();
  auto busy = RunProcess({PIXELDEX_BINARY, "serve", "--port", "0", "--storage", dir / "s",
                          "--index", dir / "i.db", "--http", taken});
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_NE(busy.output.find("cannot listen on " + taken), std::string::npos) << busy.output;
}

}  // namespace
}  // namespace pixeldex::testing
