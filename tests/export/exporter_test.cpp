// Exporter without the binary: the progress it reports as it goes (what the
// terminal's progress line shows), a failing instance that does not stop
// the others, and two instances that would share a name (a collision of
// the fileset layout's hashed File IDs): the second fails rather than being
// taken for complete.

#include "catalog/export/exporter.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/support/dicom_factory.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::exporting {
namespace {

SelectedInstance Instance(const std::string& sop_instance_uid, const std::string& path) {
  SelectedInstance instance;
  for (const std::string& column : SelectedColumns()) {
    index::SqlValue value;
    value.type = index::SqlValue::Type::kText;
    value.bytes = column == "sop_instance_uid" ? sop_instance_uid
                  : column == "path"           ? path
                                               : "1.2.3";
    instance.values.push_back(value);
  }
  return instance;
}

TEST(ExporterTest, ReportsProgressAndFailuresAndRefusesASecondInstanceOfOneName) {
  testing::TempDir dir;
  const std::string source = dir / "stored.dcm";
  std::ofstream(source, std::ios::binary) << "DICM bytes";
  const std::vector<SelectedInstance> instances = {
      Instance("1.2.3.1", source), Instance("1.2.3.2", dir / "missing.dcm"),
      Instance("1.2.3.1", source)};  // the same name as the first
  std::filesystem::create_directories(dir / "out");  // as the command does
  FolderDestination destination(dir / "out");
  CopyingWriter writer;
  Exporter exporter(destination, ExportLayout::kStorage, writer,
                    [](const SelectedInstance& i) { return i.Text("path"); });
  ExportProgress progress;
  EXPECT_EQ(FormatExportProgress(progress, instances.size()), "0/3 instances");
  const ExportReport report = exporter.Run(instances, &progress);
  EXPECT_EQ(progress.done, 3);
  EXPECT_EQ(progress.failed, 2);
  EXPECT_EQ(FormatExportProgress(progress, instances.size()), "3/3 instances  2 failed");
  EXPECT_EQ(report.written, 1);
  ASSERT_EQ(report.failed.size(), 2u);
  EXPECT_EQ(report.failed[0].rfind("1.2.3.2: ", 0), 0u) << report.failed[0];
  EXPECT_EQ(report.failed[1], "1.2.3.1: its name 1.2.3/1.2.3/1.2.3.1.dcm is taken by 1.2.3.1");
  EXPECT_EQ(report.files, std::vector<std::string>{"1.2.3/1.2.3/1.2.3.1.dcm"});
  EXPECT_EQ(testing::ReadFileBytes(dir / "out/1.2.3/1.2.3/1.2.3.1.dcm"), "DICM bytes");
}

TEST(ExporterTest, FileSetNamesAreDicomFileIds) {
  const std::string path = ExportRelativePath(
      ExportLayout::kFileSet, {"../evil", "1.2.3", "1.2.3.4", "1.2.3.4.5"});
  // PS3.10 8.2: components of at most 8 characters of A-Z, 0-9 and '_'.
  EXPECT_TRUE(std::regex_match(path, std::regex("DICOM/P[A-Z0-9]{7}/S[A-Z0-9]{7}/R[A-Z0-9]{7}/"
                                                "I[A-Z0-9]{7}")))
      << path;
  EXPECT_EQ(path, ExportRelativePath(ExportLayout::kFileSet,
                                     {"../evil", "1.2.3", "1.2.3.4", "1.2.3.4.5"}))
      << "the same in every run";
  EXPECT_NE(path, ExportRelativePath(ExportLayout::kFileSet,
                                     {"../evil", "1.2.3", "1.2.3.4", "1.2.3.4.6"}));
}

}  // namespace
}  // namespace pixeldex::exporting
