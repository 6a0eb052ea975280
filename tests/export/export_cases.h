#pragma once
// `pixeldex export`, the real binary: a selection by --where or by UIDs gives
// exactly the selected files, byte-identical, listed by the manifest; the
// tree layout never leaves --out; an interrupted export resumes; bad usage
// exits 2 and touches nothing.
//
// The cases run on either index (ArchiveTest): export_e2e_test.cpp instantiates them on
// SQLite, tests/postgres/pg_thumbnail_export_e2e_test on PostgreSQL.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/export/export_archive.h"
#include "tests/support/index_probe.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class ExportTest : public ArchiveTest {
 protected:
  void SetUp() override {
    std::vector<TestInstance> instances = TwoCtsAndAnMr("PID-A", "1.2.826.0.1.3680043.10.1234.901");
    instances[1].pixel_offset = 7;
    TestInstance& mr = instances[2];  // another patient's study, a hostile Patient ID
    mr.patient_id = "../../evil/B";
    mr.study_uid = "1.2.826.0.1.3680043.10.1234.902";
    mr.series_uid = "1.2.826.0.1.3680043.10.1234.902.1";
    mr.sop_instance_uid = "1.2.826.0.1.3680043.10.1234.902.1.1";
    Import(std::move(instances));
  }
  std::string Out(const std::string& name = "out") const { return archive_.Path(name); }
};

TEST_P(ExportTest, WhereSelectionIsExportedByteIdenticalWithManifest) {
  auto result = archive_.Export({"--where", "modality = 'CT'", "--out", Out()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::string study = instances_[0].study_uid, series = instances_[0].series_uid;
  const std::vector<std::string> expected = {
      study + "/" + series + "/" + instances_[0].sop_instance_uid + ".dcm",
      study + "/" + series + "/" + instances_[1].sop_instance_uid + ".dcm",
      "manifest.csv", "manifest.jsonl"};
  EXPECT_EQ(ExportArchive::FilesBelow(Out()), expected);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(ReadFileBytes(Out() + "/" + expected[i]) == ReadFileBytes(archive_.SourceFile(i)))
        << expected[i] << " differs from what was stored";
  }
  const auto csv = Lines(Out() + "/manifest.csv");
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv[0].rfind("sop_instance_uid,sop_class_uid,", 0), 0u) << csv[0];
  EXPECT_NE(csv[0].find(",file"), std::string::npos);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_NE(csv[i + 1].find(instances_[i].sop_instance_uid), std::string::npos);
    EXPECT_NE(csv[i + 1].find(expected[i]), std::string::npos);
  }
  const auto jsonl = Lines(Out() + "/manifest.jsonl");
  ASSERT_EQ(jsonl.size(), 2u);
  EXPECT_NE(jsonl[0].find("\"file\":\"" + expected[0] + "\""), std::string::npos) << jsonl[0];
  EXPECT_NE(jsonl[1].find("\"modality\":\"CT\""), std::string::npos) << jsonl[1];
}

TEST_P(ExportTest, UidsSelectStudiesSeriesAndInstancesInTheTreeLayoutInsideOut) {
  auto result = archive_.Export({"--layout", "tree", "--out", Out(), instances_[2].study_uid,
                                 instances_[1].sop_instance_uid});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto files = ExportArchive::FilesBelow(Out());
  ASSERT_EQ(files.size(), 4u) << result.output;
  EXPECT_EQ(files[1], "PID-A/" + instances_[1].study_uid + "/" + instances_[1].series_uid + "/" +
                          instances_[1].sop_instance_uid + ".dcm");
  // "../../evil/B" is one sanitised folder name, not a way out of --out.
  EXPECT_EQ(files[0].rfind(".._.._evil_B~", 0), 0u) << files[0];
  EXPECT_TRUE(ReadFileBytes(Out() + "/" + files[0]) == ReadFileBytes(archive_.SourceFile(2)));
  EXPECT_TRUE(ReadFileBytes(Out() + "/" + files[1]) == ReadFileBytes(archive_.SourceFile(1)));
  EXPECT_FALSE(fs::exists(archive_.Path("evil")));
  EXPECT_EQ(Lines(Out() + "/manifest.csv").size(), 3u);
}

TEST_P(ExportTest, AnInterruptedExportResumesAndSkipsCompleteFiles) {
  ASSERT_EQ(archive_.Export({"--where", "true", "--out", Out()}).exit_code, 0);
  auto files = ExportArchive::FilesBelow(Out());
  ASSERT_EQ(files.size(), 5u);
  // As a crash leaves it: one file never renamed into place, a stale partial.
  fs::rename(Out() + "/" + files[0], Out() + "/" + files[0] + ".partial");
  fs::remove(Out() + "/manifest.csv");
  auto again = archive_.Export({"--where", "true", "--out", Out()});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("1 written, 2 already complete"), std::string::npos)
      << again.output;
  EXPECT_EQ(ExportArchive::FilesBelow(Out()), files);
  EXPECT_EQ(Lines(Out() + "/manifest.csv").size(), 4u);
}

TEST_P(ExportTest, AZipHoldsWhatTheFolderWouldByteForByte) {
  const std::vector<std::string> selection = {"--layout", "tree", "--where", "true"};
  auto folder_args = selection;
  folder_args.insert(folder_args.end(), {"--out", Out("folder")});
  ASSERT_EQ(archive_.Export(folder_args).exit_code, 0);
  const std::string zip = archive_.Path("cohort.zip");
  auto zip_args = selection;
  zip_args.insert(zip_args.end(), {"--zip", zip});
  auto zipped = archive_.Export(zip_args);
  ASSERT_EQ(zipped.exit_code, 0) << zipped.output;
  EXPECT_NE(zipped.output.find("3 written"), std::string::npos) << zipped.output;
  EXPECT_FALSE(fs::exists(zip + ".partial"));

  auto unzip = RunProcess({"unzip", "-q", zip, "-d", Out("unzipped")});
  ASSERT_EQ(unzip.exit_code, 0) << unzip.output;
  const auto files = ExportArchive::FilesBelow(Out("folder"));
  ASSERT_EQ(files.size(), 5u);  // three instances and the two manifests
  EXPECT_EQ(ExportArchive::FilesBelow(Out("unzipped")), files);
  for (const std::string& file : files) {
    EXPECT_TRUE(ReadFileBytes(Out("unzipped") + "/" + file) ==
                ReadFileBytes(Out("folder") + "/" + file))
        << file;
  }
  EXPECT_EQ(archive_.Export({"--where", "true", "--out", Out(), "--zip", zip}).exit_code, 2)
      << "one destination";
}

TEST_P(ExportTest, UsageErrorsExitTwoAndFailuresExitOne) {
  EXPECT_EQ(archive_.Export({"--where", "true"}).exit_code, 2) << "no --out";
  EXPECT_EQ(archive_.Export({"--out", Out()}).exit_code, 2) << "no selection";
  EXPECT_EQ(archive_.Export({"--where", "true", "--out", Out(), instances_[0].study_uid}).exit_code,
            2);
  EXPECT_EQ(archive_.Export({"--layout", "flat", "--where", "true", "--out", Out()}).exit_code, 2);
  EXPECT_EQ(archive_.Export({"--frobnicate", "--where", "true", "--out", Out()}).exit_code, 2);
  EXPECT_FALSE(fs::exists(Out())) << "usage errors touch nothing";

  auto unknown = archive_.Export({"--out", Out(), "1.2.3.4.5.6"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.output.find("1.2.3.4.5.6: selects no stored instance"), std::string::npos);
  // The condition is checked read-only like `pixeldex query`.
  auto write = archive_.Export(
      {"--where", "1) OR sop_instance_uid IN (SELECT 1 FROM (DELETE FROM instances)", "--out",
       Out()});
  EXPECT_EQ(write.exit_code, 1) << write.output;
  auto second = archive_.Export({"--where", "1); DELETE FROM instances; --", "--out", Out()});
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_EQ(IndexProbe(archive_.index_path()).Count("SELECT count(*) FROM instances"), 3);
}

}  // namespace
}  // namespace pixeldex::testing
