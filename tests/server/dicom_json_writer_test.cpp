// The DICOM JSON writer (PS3.18 Annex F) on hand-made matches.

#include "server/dicomweb/dicom_json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pixeldex::server {
namespace {

using nlohmann::json;
using query::ResponseAttribute;

json Write(const std::vector<ResponseAttribute>& attributes) {
  std::string out;
  AppendDicomJsonObject(out, attributes);
  return json::parse(out);  // throws on invalid JSON
}

TEST(DicomJsonWriterTest, TypesValuesPerAnnexF) {
  const json object = Write({
      {{0x0008, 0x0005}, "CS", {"ISO_IR 192"}, {}},
      {{0x0008, 0x0052}, "CS", {"STUDY"}, {}},
      {{0x0008, 0x0061}, "CS", {"CT", "MR"}, {}},
      {{0x0010, 0x0010}, "PN", {"Yamada^Tarou=山田^太郎=やまだ^たろう"}, {}},
      {{0x0010, 0x1010}, "AS", {}, {}},
      {{0x0020, 0x0011}, "IS", {" 12"}, {}},
      {{0x0018, 0x0050}, "DS", {"2.5\\3"}, {}},
      {{0x0028, 0x0010}, "US", {"512"}, {}},
      {{0x0020, 0x0013}, "IS", {"+7"}, {}},
      {{0x0010, 0x4000}, "LT", {"a \"quoted\\\" \n description"}, {}},
  });
  // The C-FIND bookkeeping stays out.
  EXPECT_FALSE(object.contains("00080005"));
  EXPECT_FALSE(object.contains("00080052"));
  EXPECT_EQ(object["00080061"], json::parse(R"({"vr":"CS","Value":["CT","MR"]})"));
  EXPECT_EQ(object["00100010"]["Value"][0]["Alphabetic"], "Yamada^Tarou");
  EXPECT_EQ(object["00100010"]["Value"][0]["Ideographic"], "山田^太郎");
  EXPECT_EQ(object["00100010"]["Value"][0]["Phonetic"], "やまだ^たろう");
  EXPECT_EQ(object["00101010"], json::parse(R"({"vr":"AS"})"));
  EXPECT_EQ(object["00200011"]["Value"][0], 12);
  EXPECT_EQ(object["00180050"]["Value"], json::parse("[2.5, 3]"));
  EXPECT_EQ(object["00280010"]["Value"][0], 512);
  // Not a JSON number: kept as text rather than written invalid.
  EXPECT_EQ(object["00200013"]["Value"][0], "+7");
  // LT is one value: its backslash is text (PS3.5 6.2).
  EXPECT_EQ(object["00104000"]["Value"][0], "a \"quoted\\\" \n description");
}

TEST(DicomJsonWriterTest, WritesSequencesEmptyValuesAndNameGroups) {
  ResponseAttribute item_attribute{{0x0040, 0x1001}, "SH", {"RP1"}, {}};
  const json object = Write({
      {{0x0008, 0x0050}, "SH", {"A\\\\C"}, {}},
      {{0x0010, 0x0010}, "PN", {"=Ideo"}, {}},
      {{0x0040, 0x0275}, "SQ", {}, {{item_attribute}, {}}},
  });
  EXPECT_EQ(object["00080050"]["Value"], json::parse(R"(["A", null, "C"])"));
  EXPECT_EQ(object["00100010"]["Value"][0], json::parse(R"({"Ideographic":"Ideo"})"));
  EXPECT_EQ(object["00400275"]["Value"][0]["00401001"]["Value"][0], "RP1");
  EXPECT_EQ(object["00400275"]["Value"][1], json::object());
}

}  // namespace
}  // namespace pixeldex::server
