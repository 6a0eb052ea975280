#pragma once
// `pixeldex export --render png|jpeg[:SIZE]`, the real binary: a rendering
// beside each exported instance (PNG or JPEG by magic bytes, fitted to SIZE
// on its longest side with the aspect kept and never enlarged, read back
// from the image header), the manifests' rendering_path column (empty for
// an instance without pixels, counted in the summary, not a failure), a
// second run finding them complete,
// de-identified exports rendered and burned-in exclusion still applied, and
// usage errors exit 2.
//
// The cases run on either index (ArchiveTest): export_render_e2e_test.cpp instantiates them on
// SQLite, tests/postgres/pg_thumbnail_export_e2e_test on PostgreSQL.

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "catalog/deidentify/keyed_pseudonyms.h"
#include "tests/export/export_archive.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

struct Dimensions {
  int width = 0;
  int height = 0;
  bool operator==(const Dimensions&) const = default;
};

int BigEndian(const std::string& bytes, size_t at, int count) {
  int value = 0;
  for (int i = 0; i < count; ++i)
    value = value * 256 + static_cast<unsigned char>(bytes.at(at + i));
  return value;
}

// A PNG's size from its IHDR chunk; {0, 0} when the signature is wrong.
Dimensions PngSize(const std::string& bytes) {
  if (bytes.size() < 24 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 ||
      bytes.compare(12, 4, "IHDR") != 0) {
    return {};
  }
  return {BigEndian(bytes, 16, 4), BigEndian(bytes, 20, 4)};
}

// A JPEG's size from its SOF marker; {0, 0} when it is not a JPEG.
Dimensions JpegSize(const std::string& bytes) {
  if (bytes.size() < 4 || bytes.compare(0, 3, "\xFF\xD8\xFF") != 0) return {};
  for (size_t at = 2; at + 9 < bytes.size();) {
    if (static_cast<unsigned char>(bytes[at]) != 0xFF) return {};
    const int marker = static_cast<unsigned char>(bytes[at + 1]);
    if (marker >= 0xC0 && marker <= 0xC3)
      return {BigEndian(bytes, at + 7, 2), BigEndian(bytes, at + 5, 2)};
    at += 2 + BigEndian(bytes, at + 2, 2);
  }
  return {};
}

// manifest.csv as header -> values, one map per row (no quoted commas in
// these values).
std::vector<std::map<std::string, std::string>> CsvRows(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream head(line);
  for (std::string field; std::getline(head, field, ',');) header.push_back(field);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::map<std::string, std::string> values;
    size_t i = 0;
    for (std::string field; std::getline(row, field, ',');) values[header.at(i++)] = field;
    for (; i < header.size(); ++i) values[header[i]] = "";
    rows.push_back(values);
  }
  return rows;
}

class RenderTest : public ArchiveTest {
 protected:
  void SetUp() override {
    const std::string root = "1.2.826.0.1.3680043.10.1234.601";
    TestInstance ct;  // 16 x 16
    ct.study_uid = root;
    ct.series_uid = root + ".1";
    ct.sop_instance_uid = root + ".1.1";
    TestInstance mr = ct;  // 20 wide, 40 high
    mr.modality = "MR";
    mr.sop_class_uid = "1.2.840.10008.5.1.4.1.1.4";
    mr.series_uid = root + ".2";
    mr.sop_instance_uid = root + ".2.1";
    mr.rows = 40;
    mr.columns = 20;
    TestInstance empty = ct;  // its Pixel Data removed below
    empty.sop_instance_uid = root + ".1.2";
    empty.instance_number = 2;
    TestInstance sc = ct;  // Secondary Capture: burned-in text presumed
    sc.sop_class_uid = "1.2.840.10008.5.1.4.1.1.7";
    sc.modality = "OT";
    sc.series_uid = root + ".3";
    sc.sop_instance_uid = root + ".3.1";
    Import({ct, mr, empty, sc}, [](size_t i, const std::string& path) {
      if (i != 2) return;
      DcmFileFormat file;
      ASSERT_TRUE(file.loadFile(path.c_str()).good());
      file.getDataset()->findAndDeleteElement(DCM_PixelData);
      ASSERT_TRUE(file.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
    });
  }

  std::string PathOf(size_t i, const std::string& extension, const std::string& key = "") const {
    const TestInstance& t = instances_[i];
    const deidentify::KeyedPseudonyms keys(key);
    auto name = [&](const std::string& uid) { return key.empty() ? uid : keys.Uid(uid); };
    return name(t.study_uid) + "/" + name(t.series_uid) + "/" + name(t.sop_instance_uid) +
           extension;
  }
};

TEST_P(RenderTest, PngBesideEachInstanceAtItsOwnSizeAndInTheManifests) {
  const std::string out = archive_.Path("out");
  const ProcessResult result =
      archive_.Export({"--where", "true", "--out", out, "--render", "png"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("renderings: 3 made, 1 not made (1 no pixel data)"),
            std::string::npos)
      << result.output;
  // 256 by default: never enlarged, so the frames' own sizes.
  EXPECT_EQ(PngSize(ReadFileBytes(out + "/" + PathOf(0, ".png"))), (Dimensions{16, 16}));
  EXPECT_EQ(PngSize(ReadFileBytes(out + "/" + PathOf(1, ".png"))), (Dimensions{20, 40}));
  EXPECT_EQ(PngSize(ReadFileBytes(out + "/" + PathOf(3, ".png"))), (Dimensions{16, 16}));
  EXPECT_FALSE(fs::exists(out + "/" + PathOf(2, ".png")));

  std::map<std::string, std::string> rendering_of;  // file -> rendering_path
  for (const auto& row : CsvRows(out + "/manifest.csv"))
    rendering_of[row.at("file")] = row.at("rendering_path");
  ASSERT_EQ(rendering_of.size(), 4u);
  for (size_t i : {0u, 1u, 3u}) EXPECT_EQ(rendering_of[PathOf(i, ".dcm")], PathOf(i, ".png"));
  EXPECT_EQ(rendering_of[PathOf(2, ".dcm")], "");
  std::ifstream jsonl(out + "/manifest.jsonl");
  int lines = 0;
  for (std::string line; std::getline(jsonl, line); ++lines) {
    const auto row = nlohmann::json::parse(line);
    ASSERT_TRUE(row.contains("rendering_path")) << line;
    EXPECT_EQ(
        row["rendering_path"].is_null() ? std::string() : row["rendering_path"].get<std::string>(),
        rendering_of[row["file"].get<std::string>()]);
  }
  EXPECT_EQ(lines, 4);

  // Run again: everything is complete, renderings included.
  const ProcessResult again = archive_.Export({"--where", "true", "--out", out, "--render", "png"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("0 written, 4 already complete"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("renderings: 3 made, 1 not made"), std::string::npos) << again.output;
}

TEST_P(RenderTest, DeidentifiedJpegAtSizeWithoutBurnedIn) {
  const std::string out = archive_.Path("out");
  const ProcessResult result = archive_.Export({"--where", "true", "--out", out, "--render",
                                                "jpeg:10", "--deidentify", "--project-key", "k"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(JpegSize(ReadFileBytes(out + "/" + PathOf(0, ".jpg", "k"))), (Dimensions{10, 10}));
  EXPECT_EQ(JpegSize(ReadFileBytes(out + "/" + PathOf(1, ".jpg", "k"))), (Dimensions{5, 10}));
  // The Secondary Capture is excluded, and so is its rendering.
  EXPECT_FALSE(fs::exists(out + "/" + PathOf(3, ".dcm", "k")));
  EXPECT_FALSE(fs::exists(out + "/" + PathOf(3, ".jpg", "k")));
  for (const auto& row : CsvRows(out + "/manifest.csv")) {
    EXPECT_EQ(row.at("rendering_path").empty(), row.at("file") == PathOf(2, ".dcm", "k"))
        << row.at("file");
  }
}

TEST_P(RenderTest, UsageErrorsExitTwo) {
  const std::string out = archive_.Path("out");
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--out", out, "--render", "gif"},
                                             {"--out", out, "--render", "png:0"},
                                             {"--out", out, "--render", "jpeg:big"},
                                             {"--out", out, "--render", "png:5000"},
                                             {"--out", out, "--dicomdir", "--render", "png"},
                                             {"--to", "X=127.0.0.1:1", "--render", "png"}}) {
    std::vector<std::string> args = {"--where", "true"};
    args.insert(args.end(), bad.begin(), bad.end());
    EXPECT_EQ(archive_.Export(args).exit_code, 2) << ::testing::PrintToString(bad);
  }
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace pixeldex::testing
