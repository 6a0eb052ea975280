// The Retrieve Capabilities description (PS3.18 8.9) is made from the
// router's table: every DICOMweb route appears with its methods, nothing
// else does, in WADL by default and JSON on request.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "server/dicomweb/capabilities_service.h"
#include "server/dicomweb/qido_service.h"
#include "server/dicomweb/stow_service.h"
#include "server/dicomweb/wado_metadata_service.h"

namespace pixeldex::server {
namespace {

using nlohmann::json;

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class CapabilitiesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The handlers are never called here: no contexts needed.
    router_.Add("GET", "/healthz", RouteAccess::kPublic, nullptr);
    AddQidoRoutes(router_, nullptr);
    AddStowRoutes(router_, nullptr);
    AddWadoMetadataRoutes(router_, nullptr);
    served_ = router_.Routes();
    AddCapabilitiesRoute(router_, "https");
  }

  HttpResponse Options(const std::string& accept) {
    RouteMatch match = router_.Match("OPTIONS", "/dicom-web");
    EXPECT_EQ(match.outcome, RouteMatch::Outcome::kFound);
    EXPECT_EQ(match.access, RouteAccess::kRead);
    HttpRequest request;
    request.method = "OPTIONS";
    request.target = "/dicom-web";
    request.headers = {{"host", "pacs.example:8443"}};
    if (!accept.empty()) request.headers["accept"] = accept;
    return (*match.handler)(request, {});
  }

  Router router_;
  std::vector<std::pair<std::string, std::string>> served_;
};

TEST_F(CapabilitiesTest, JsonListsEveryDicomwebRouteWithItsMethodsAndNothingElse) {
  const HttpResponse response = Options("application/json");
  ASSERT_EQ(response.status, 200u);
  EXPECT_EQ(response.content_type, "application/json");
  std::set<std::pair<std::string, std::string>> described;
  for (const json& resource : json::parse(response.body)) {
    for (const json& method : resource.at("methods")) {
      described.insert({method.get<std::string>(), resource.at("path").get<std::string>()});
    }
  }
  std::set<std::pair<std::string, std::string>> expected;
  for (const auto& [method, pattern] : served_) {
    if (pattern.rfind("/dicom-web/", 0) != 0) continue;
    expected.insert({method, pattern});
    expected.insert({"OPTIONS", pattern});
    if (method == "GET") expected.insert({"HEAD", pattern});
  }
  EXPECT_EQ(described, expected);
  EXPECT_TRUE(described.count({"POST", "/dicom-web/studies/{study}"}));
  EXPECT_FALSE(described.count({"GET", "/healthz"}));
}

TEST_F(CapabilitiesTest, WadlIsTheDefaultAndNestsResourcesBySegment) {
  for (const std::string accept : {"", "*/*", kWadlMediaType}) {
    const HttpResponse response = Options(accept);
    ASSERT_EQ(response.status, 200u) << accept;
    EXPECT_EQ(response.content_type, kWadlMediaType);
  }
  const std::string wadl = Options("").body;
  EXPECT_NE(wadl.find("<resources base=\"https://pacs.example:8443/dicom-web/\">"),
            std::string::npos)
      << wadl;
  // /studies appears once, with QIDO (GET) and STOW (POST) as its methods.
  EXPECT_EQ(Occurrences(wadl, "<resource path=\"studies\">"), 1u);
  EXPECT_EQ(Occurrences(wadl, "<method name=\"POST\"/>"), 2u);
  EXPECT_NE(wadl.find("<param name=\"study\" style=\"template\""), std::string::npos);
  EXPECT_EQ(Occurrences(wadl, "<resource "), Occurrences(wadl, "</resource>"));
}

TEST_F(CapabilitiesTest, AnAcceptWithoutWadlOrJsonIs406) {
  EXPECT_EQ(Options("text/html").status, 406u);
}

}  // namespace
}  // namespace pixeldex::server
