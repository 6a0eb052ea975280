// The Store Instances Response (PS3.18 10.5.3, Annex I) built from the fate
// of each part, checked by parsing it as JSON.

#include "server/dicomweb/stow_response.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pixeldex::server {
namespace {

using nlohmann::json;

const std::string kRoot = "http://pacs:8042/dicom-web";

StowPartResult Stored(const std::string& study, const std::string& sop) {
  return {0, "", "1.2.840.10008.5.1.4.1.1.2", sop, study, "9.8"};
}

StowPartResult Failed(uint16_t status, const std::string& sop, const std::string& reason) {
  return {status, reason, sop.empty() ? "" : "1.2.840.10008.5.1.4.1.1.2", sop, "", ""};
}

json Parse(const HttpResponse& response) {
  EXPECT_EQ(response.content_type, "application/dicom+json");
  return json::parse(response.body);
}

TEST(StowResponseTest, AllStoredIs200WithTheirReferencesAndTheStudyUrl) {
  const HttpResponse response =
      StoreInstancesResponse({Stored("1.2", "1.2.3"), Stored("1.2", "1.2.4")}, kRoot);
  EXPECT_EQ(response.status, 200u);
  const json answer = Parse(response);
  EXPECT_EQ(answer.at("00081190"), (json{{"vr", "UR"}, {"Value", {kRoot + "/studies/1.2"}}}));
  const json& referenced = answer.at("00081199");
  EXPECT_EQ(referenced.at("vr"), "SQ");
  ASSERT_EQ(referenced.at("Value").size(), 2u);
  const json& first = referenced.at("Value").at(0);
  EXPECT_EQ(first.at("00081150").at("Value").at(0), "1.2.840.10008.5.1.4.1.1.2");
  EXPECT_EQ(first.at("00081155").at("Value").at(0), "1.2.3");
  EXPECT_EQ(first.at("00081190").at("Value").at(0),
            kRoot + "/studies/1.2/series/9.8/instances/1.2.3");
  EXPECT_FALSE(answer.contains("00081198"));
  EXPECT_FALSE(answer.contains("0008119A"));
}

TEST(StowResponseTest, SomeFailedIs202WithFailureReasonsAsNumbers) {
  const HttpResponse response = StoreInstancesResponse(
      {Stored("1.2", "1.2.3"), Failed(0xA900, "1.2.9", "Study Instance UID 1.3 differs")}, kRoot);
  EXPECT_EQ(response.status, 202u);
  const json answer = Parse(response);
  ASSERT_EQ(answer.at("00081199").at("Value").size(), 1u);
  const json& failure = answer.at("00081198").at("Value").at(0);
  EXPECT_EQ(failure.at("00081197"), (json{{"vr", "US"}, {"Value", {0xA900}}}));
  EXPECT_EQ(failure.at("00081155").at("Value").at(0), "1.2.9");
  EXPECT_EQ(failure.at("00081150").at("Value").at(0), "1.2.840.10008.5.1.4.1.1.2");
  EXPECT_EQ(failure.at("00000902").at("Value").at(0), "Study Instance UID 1.3 differs");
}

TEST(StowResponseTest, NoneStoredIs409AndUnknownInstancesAreOtherFailures) {
  const HttpResponse response = StoreInstancesResponse(
      {Failed(0xC000, "", "truncated"), Failed(0xA700, "1.5", "disk full")}, kRoot);
  EXPECT_EQ(response.status, 409u);
  const json answer = Parse(response);
  EXPECT_FALSE(answer.contains("00081199"));
  EXPECT_EQ(answer.at("00081190"), (json{{"vr", "UR"}}));  // Type 2: empty
  ASSERT_EQ(answer.at("00081198").at("Value").size(), 1u);
  EXPECT_EQ(answer.at("00081198").at("Value").at(0).at("00081197").at("Value").at(0), 0xA700);
  const json& other = answer.at("0008119A").at("Value");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other.at(0).at("00081197").at("Value").at(0), 0xC000);
  EXPECT_FALSE(other.at(0).contains("00081155"));
}

TEST(StowResponseTest, StudiesOfSeveralStudiesHaveNoStudyUrlAndNoRootMeansNoUrls) {
  const json several =
      Parse(StoreInstancesResponse({Stored("1.2", "1.2.3"), Stored("1.7", "1.7.1")}, kRoot));
  EXPECT_FALSE(several.at("00081190").contains("Value"));
  const json without_root = Parse(StoreInstancesResponse({Stored("1.2", "1.2.3")}, ""));
  EXPECT_FALSE(without_root.at("00081190").contains("Value"));
  EXPECT_FALSE(without_root.at("00081199").at("Value").at(0).at("00081190").contains("Value"));
}

TEST(StowResponseTest, ErrorCommentIsOneLoValueOfAtMost64Characters) {
  const std::string reason = "quote \" backslash \\ " + std::string(100, 'x');
  const json answer = Parse(StoreInstancesResponse({Failed(0x0110, "1.5", reason)}, kRoot));
  const json& comment = answer.at("00081198").at("Value").at(0).at("00000902");
  EXPECT_EQ(comment.at("vr"), "LO");
  ASSERT_EQ(comment.at("Value").size(), 1u);
  EXPECT_EQ(comment.at("Value").at(0), "quote \" backslash / " + std::string(44, 'x'));
}

}  // namespace
}  // namespace pixeldex::server
