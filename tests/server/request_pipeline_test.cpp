// RequestPipeline without sockets: routing answers, authentication and
// read-only users, CORS preflights and response headers, the access log's
// query-value scrubbing, and the refusal to expose DICOMweb anonymously.

#include "server/http/request_pipeline.h"

#include <gtest/gtest.h>

#include "server/http/access_log.h"
#include "server/http/http_endpoint.h"
#include "server/http/password_hash.h"
#include "tests/support/http_client.h"

namespace pixeldex::server {
namespace {

HttpRequest Request(const std::string& method, const std::string& target,
                    std::map<std::string, std::string> headers = {}) {
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.headers = std::move(headers);
  return request;
}

std::string HeaderOf(const HttpResponse& response, const std::string& name) {
  std::string joined;
  for (const auto& [n, v] : response.headers) {
    if (n == name) joined += (joined.empty() ? "" : ", ") + v;
  }
  return joined;
}

Router TestRouter() {
  Router router;
  router.Add("GET", "/healthz", RouteAccess::kPublic,
             [](const HttpRequest&, const PathParams&) { return HttpResponse::Text(200, "ok"); });
  router.Add("GET", "/dicom-web/studies", RouteAccess::kRead,
             [](const HttpRequest&, const PathParams&) { return HttpResponse::Text(200, "[]"); });
  router.Add("POST", "/dicom-web/studies", RouteAccess::kWrite,
             [](const HttpRequest&, const PathParams&) { return HttpResponse::Text(200, "stored"); });
  router.Add("GET", "/boom", RouteAccess::kPublic,
             [](const HttpRequest&, const PathParams&) -> HttpResponse { throw std::bad_alloc(); });
  return router;
}

std::shared_ptr<Authenticator> Users() {
  return std::make_shared<Authenticator>(
      *ParseCredentials("alice:" + *HashPassword("pw-a", 1000) + ":rw bob:" +
                        *HashPassword("pw-b", 1000) + ":ro"),
      std::vector<Credential>{});
}

TEST(RequestPipelineTest, TheObserverSeesEveryAnsweredRequestWithItsResponse) {
  std::vector<std::pair<std::string, unsigned>> seen;
  RequestPipeline pipeline(TestRouter(), Users(), CorsPolicy(),
                           [&](const HttpRequest& request, const HttpResponse& response) {
                             seen.emplace_back(request.target, response.status);
                           });
  pipeline.Handle(Request("GET", "/healthz"));
  pipeline.Handle(Request("POST", "/dicom-web/studies"));  // no credentials
  pipeline.Handle(Request("GET", "/nowhere"));
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, unsigned>>{
                      {"/healthz", 200}, {"/dicom-web/studies", 401}, {"/nowhere", 404}}));
}

TEST(RequestPipelineTest, RoutesAndAnswersUnknownPathsAndMethods) {
  RequestPipeline pipeline(TestRouter(), nullptr, CorsPolicy());
  EXPECT_EQ(pipeline.Handle(Request("GET", "/dicom-web/studies?limit=1")).status, 200);
  EXPECT_EQ(pipeline.Handle(Request("GET", "/nowhere")).status, 404);
  auto put = pipeline.Handle(Request("PUT", "/dicom-web/studies"));
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(HeaderOf(put, "Allow"), "GET, HEAD, POST");
  auto options = pipeline.Handle(Request("OPTIONS", "/dicom-web/studies"));
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(HeaderOf(options, "Allow"), "GET, HEAD, POST");
  EXPECT_EQ(pipeline.Handle(Request("GET", "/boom")).status, 500);
}

TEST(RequestPipelineTest, ACallerHandlerIsToldWhoCalls) {
  Router router;
  router.AddWithCaller(
      "DELETE", "/dicom-web/studies/{study}", RouteAccess::kWrite,
      [](const HttpRequest&, const PathParams& params, const std::string& caller) {
        return HttpResponse::Text(200, caller + " deletes " + params.at("study"));
      });
  RequestPipeline with_users(router, Users(), CorsPolicy());
  auto alice = with_users.Handle(Request(
      "DELETE", "/dicom-web/studies/1.2",
      {{"authorization", testing::BasicAuthorization("alice", "pw-a")}}));
  EXPECT_EQ(alice.status, 200);
  EXPECT_EQ(alice.body, "alice deletes 1.2\n");
  // Without users configured every request is anonymous: the caller is "".
  RequestPipeline without_users(router, nullptr, CorsPolicy());
  EXPECT_EQ(without_users.Handle(Request("DELETE", "/dicom-web/studies/1.2")).body,
            " deletes 1.2\n");
}

TEST(RequestPipelineTest, AsksForCredentialsAndHonoursReadOnlyUsers) {
  RequestPipeline pipeline(TestRouter(), Users(), CorsPolicy());
  auto anonymous = pipeline.Handle(Request("GET", "/dicom-web/studies"));
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_NE(HeaderOf(anonymous, "WWW-Authenticate").find("Basic realm=\"pixeldex\""),
            std::string::npos);
  auto wrong = pipeline.Handle(Request("GET", "/dicom-web/studies",
                                       {{"authorization", testing::BasicAuthorization("alice", "pw-b")}}));
  EXPECT_EQ(wrong.status, 401);
  const std::map<std::string, std::string> alice = {
      {"authorization", testing::BasicAuthorization("alice", "pw-a")}};
  const std::map<std::string, std::string> bob = {
      {"authorization", testing::BasicAuthorization("bob", "pw-b")}};
  EXPECT_EQ(pipeline.Handle(Request("GET", "/dicom-web/studies", alice)).status, 200);
  EXPECT_EQ(pipeline.Handle(Request("POST", "/dicom-web/studies", alice)).status, 200);
  EXPECT_EQ(pipeline.Handle(Request("GET", "/dicom-web/studies", bob)).status, 200);
  EXPECT_EQ(pipeline.Handle(Request("POST", "/dicom-web/studies", bob)).status, 403);
  // Public routes stay public.
  EXPECT_EQ(pipeline.Handle(Request("GET", "/healthz")).status, 200);
}

TEST(RequestPipelineTest, AnswersCorsPreflightsBeforeAuthentication) {
  RequestPipeline pipeline(TestRouter(), Users(),
                           *CorsPolicy::Parse("https://viewer.example.org"));
  auto preflight = pipeline.Handle(Request("OPTIONS", "/dicom-web/studies",
                                           {{"origin", "https://viewer.example.org"},
                                            {"access-control-request-method", "GET"},
                                            {"access-control-request-headers", "authorization"}}));
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(HeaderOf(preflight, "Access-Control-Allow-Origin"), "https://viewer.example.org");
  EXPECT_EQ(HeaderOf(preflight, "Access-Control-Allow-Methods"), "GET, HEAD, POST");
  EXPECT_NE(HeaderOf(preflight, "Access-Control-Allow-Headers").find("Authorization"),
            std::string::npos);
  EXPECT_EQ(HeaderOf(preflight, "Vary"), "Origin");

  auto stranger = pipeline.Handle(Request("OPTIONS", "/dicom-web/studies",
                                          {{"origin", "https://evil.example"},
                                           {"access-control-request-method", "GET"}}));
  EXPECT_EQ(HeaderOf(stranger, "Access-Control-Allow-Origin"), "");

  auto actual = pipeline.Handle(Request(
      "GET", "/dicom-web/studies",
      {{"origin", "https://viewer.example.org"},
       {"authorization", testing::BasicAuthorization("bob", "pw-b")}}));
  EXPECT_EQ(actual.status, 200);
  EXPECT_EQ(HeaderOf(actual, "Access-Control-Allow-Origin"), "https://viewer.example.org");
  EXPECT_EQ(HeaderOf(actual, "Vary"), "Origin");
  // A refusal carries the CORS headers too, so the page can read the 401.
  auto refused = pipeline.Handle(
      Request("GET", "/dicom-web/studies", {{"origin", "https://viewer.example.org"}}));
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(HeaderOf(refused, "Access-Control-Allow-Origin"), "https://viewer.example.org");
}

TEST(CorsPolicyTest, ParsesOriginsAndRefusesPaths) {
  EXPECT_TRUE(CorsPolicy::Parse("")->enabled() == false);
  auto two = CorsPolicy::Parse("https://a.example, http://localhost:3000");
  ASSERT_TRUE(two.ok());
  EXPECT_TRUE(two->Allows("http://localhost:3000"));
  EXPECT_FALSE(two->Allows("http://localhost:3001"));
  EXPECT_TRUE(CorsPolicy::Parse("*")->Allows("https://anything.example"));
  EXPECT_FALSE(CorsPolicy::Parse("https://a.example/path").ok());
  EXPECT_FALSE(CorsPolicy::Parse("a.example").ok());
}

TEST(AccessLogTest, DropsQueryValues) {
  EXPECT_EQ(TargetWithoutQueryValues("/dicom-web/studies?PatientName=Doe*&limit=5"),
            "/dicom-web/studies?PatientName=&limit=");
  EXPECT_EQ(TargetWithoutQueryValues("/a?x=1=2&flag"), "/a?x=&flag");
  EXPECT_EQ(TargetWithoutQueryValues("/healthz"), "/healthz");
}

TEST(HttpExposureTest, RefusesAnonymousDicomwebBeyondLoopback) {
  HttpSettings http;
  http.listen = "0.0.0.0:8080";
  const Status refused = CheckHttpExposure(http);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("http.allow_anonymous"), std::string::npos);
  http.listen = "[::]:8080";
  EXPECT_FALSE(CheckHttpExposure(http).ok());
  for (const char* loopback : {"127.0.0.1:0", "[::1]:8080", "127.0.0.2:80"}) {
    http.listen = loopback;
    EXPECT_TRUE(CheckHttpExposure(http).ok()) << loopback;
  }
  http.listen = "0.0.0.0:8080";
  HttpSettings with_users = http;
  with_users.users = "alice:" + *HashPassword("pw", 1000) + ":ro";
  EXPECT_TRUE(CheckHttpExposure(with_users).ok());
  HttpSettings anonymous = http;
  anonymous.allow_anonymous = true;
  EXPECT_TRUE(CheckHttpExposure(anonymous).ok());
  HttpSettings metrics_only = http;
  metrics_only.dicomweb = false;
  EXPECT_TRUE(CheckHttpExposure(metrics_only).ok());
}

}  // namespace
}  // namespace pixeldex::server
