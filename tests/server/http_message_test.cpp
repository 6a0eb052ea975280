#include "server/http/http_message.h"

#include <gtest/gtest.h>

namespace pixeldex::server {
namespace {

std::string OnlyWarning(const HttpResponse& response) {
  EXPECT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers.at(0).first, "Warning");
  return response.headers.at(0).second;
}

TEST(HttpResponseWarning, IsCodeAgentAndQuotedText) {
  HttpResponse response;
  response.AddWarning("The fuzzymatching parameter is not supported.");
  EXPECT_EQ(OnlyWarning(response), "299 pixeldex \"The fuzzymatching parameter is not supported.\"");
}

TEST(HttpResponseWarning, EscapesQuotesAndBackslashesAndDropsControlCharacters) {
  HttpResponse response;
  response.AddWarning("a \"b\" c\\d\r\nWarning: 199 x \"y\"\x7F");
  EXPECT_EQ(OnlyWarning(response), R"(299 pixeldex "a \"b\" c\\dWarning: 199 x \"y\"")");
}

}  // namespace
}  // namespace pixeldex::server
