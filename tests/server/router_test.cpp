// Router: literal and {param} segments, 404/405 and the Allow list, HEAD.

#include "server/http/router.h"

#include <gtest/gtest.h>

namespace pixeldex::server {
namespace {

RouteHandler Named(const std::string& name) {
  return [name](const HttpRequest&, const PathParams&) { return HttpResponse::Text(200, name); };
}

TEST(RouterTest, MatchesLiteralAndParameterSegments) {
  Router router;
  router.Add("GET", "/dicom-web/studies", RouteAccess::kRead, Named("studies"));
  router.Add("GET", "/dicom-web/studies/{study}/series", RouteAccess::kRead, Named("series"));
  router.Add("POST", "/dicom-web/studies", RouteAccess::kWrite, Named("stow"));

  auto studies = router.Match("GET", "/dicom-web/studies");
  ASSERT_EQ(studies.outcome, RouteMatch::Outcome::kFound);
  EXPECT_EQ((*studies.handler)({}, {}).body, "studies\n");
  EXPECT_EQ(studies.access, RouteAccess::kRead);

  auto series = router.Match("GET", "/dicom-web/studies/1.2.3/series");
  ASSERT_EQ(series.outcome, RouteMatch::Outcome::kFound);
  EXPECT_EQ(series.params.at("study"), "1.2.3");

  auto stow = router.Match("POST", "/dicom-web/studies");
  ASSERT_EQ(stow.outcome, RouteMatch::Outcome::kFound);
  EXPECT_EQ(stow.access, RouteAccess::kWrite);
}

TEST(RouterTest, HeadUsesTheGetRoute) {
  Router router;
  router.Add("GET", "/healthz", RouteAccess::kPublic, Named("ok"));
  EXPECT_EQ(router.Match("HEAD", "/healthz").outcome, RouteMatch::Outcome::kFound);
}

TEST(RouterTest, TellsAnUnknownPathFromAnotherMethod) {
  Router router;
  router.Add("GET", "/dicom-web/studies", RouteAccess::kRead, Named("studies"));
  router.Add("POST", "/dicom-web/studies", RouteAccess::kWrite, Named("stow"));
  auto other = router.Match("DELETE", "/dicom-web/studies");
  EXPECT_EQ(other.outcome, RouteMatch::Outcome::kMethodNotAllowed);
  EXPECT_EQ(other.allow, "GET, HEAD, POST");
  for (const char* path : {"/dicom-web/studies/", "/dicom-web", "/dicom-web//studies",
                           "/dicom-web/studies/x", "/", ""}) {
    EXPECT_EQ(router.Match("GET", path).outcome, RouteMatch::Outcome::kNoSuchPath) << path;
  }
}

TEST(RouterTest, AParameterNeverMatchesAnEmptySegment) {
  Router router;
  router.Add("GET", "/studies/{study}/series", RouteAccess::kRead, Named("series"));
  EXPECT_EQ(router.Match("GET", "/studies//series").outcome, RouteMatch::Outcome::kNoSuchPath);
}

TEST(RouterTest, SplitsPathsKeepingEmptySegments) {
  EXPECT_EQ(SplitPath("/a/b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(SplitPath("/a/"), (std::vector<std::string>{"a", ""}));
  EXPECT_TRUE(SplitPath("/").empty());
}

TEST(RouterTest, ListsItsRoutesInTheOrderAdded) {
  Router router;
  router.Add("GET", "/dicom-web/studies", RouteAccess::kRead, Named("studies"));
  router.Add("POST", "/dicom-web/studies/{study}", RouteAccess::kWrite, Named("stow"));
  EXPECT_EQ(router.Routes(), (std::vector<std::pair<std::string, std::string>>{
                                 {"GET", "/dicom-web/studies"},
                                 {"POST", "/dicom-web/studies/{study}"}}));
}

}  // namespace
}  // namespace pixeldex::server
