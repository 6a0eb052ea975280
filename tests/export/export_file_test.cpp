// PlaceExportFile: a file gets its final name only when complete and durable.
// Each durable step is failed in turn through the FileSystem seam: no failure
// leaves a file with its final name or a .partial behind. A symbolic link
// below the output folder is never written through.

#include "catalog/export/export_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/dicom_factory.h"
#include "tests/support/faulty_file_system.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::exporting {
namespace {

namespace fs = std::filesystem;
using testing::FaultyFileSystem;

Status WriteHello(const std::string& path) {
  std::ofstream(path) << "hello";
  return Status::Ok();
}

std::vector<std::string> Files(const fs::path& root) {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_directory()) files.push_back(fs::relative(e.path(), root).string());
  }
  return files;
}

TEST(ExportFileTest, WritesSyncsAndRenames) {
  testing::TempDir dir;
  FaultyFileSystem file_system;
  ASSERT_TRUE(PlaceExportFile(file_system, dir.path(), "a/b/c.dcm", WriteHello).ok());
  EXPECT_EQ(testing::ReadFileBytes(dir / "a/b/c.dcm"), "hello");
  EXPECT_TRUE(IsExportComplete(dir.path(), "a/b/c.dcm"));
  EXPECT_EQ(Files(dir.path()), std::vector<std::string>{"a/b/c.dcm"});
  const auto synced = file_system.SyncedPaths();
  EXPECT_NE(std::find(synced.begin(), synced.end(), dir / "a/b/c.dcm.partial"), synced.end());
  EXPECT_EQ(synced.back(), dir / "a/b");
}

TEST(ExportFileTest, NoFailedStepLeavesAFinalNameOrAPartial) {
  using Op = FaultyFileSystem::Op;
  for (const auto& [op, skip] : std::vector<std::pair<Op, int>>{
           {Op::kCreateDirectory, 0}, {Op::kCreateDirectory, 1}, {Op::kSync, 0},
           {Op::kSync, 1}, {Op::kSync, 2}, {Op::kRename, 0}}) {
    testing::TempDir dir;
    FaultyFileSystem file_system;
    file_system.FailOnce(op, skip);
    const Status status = PlaceExportFile(file_system, dir.path(), "a/b/c.dcm", WriteHello);
    EXPECT_FALSE(status.ok()) << static_cast<int>(op) << " " << skip;
    EXPECT_FALSE(IsExportComplete(dir.path(), "a/b/c.dcm"));
    EXPECT_TRUE(Files(dir.path()).empty()) << static_cast<int>(op) << " " << skip;
  }
  testing::TempDir dir;
  FaultyFileSystem file_system;
  const Status failed = PlaceExportFile(file_system, dir.path(), "c.dcm", [](const std::string& p) {
    std::ofstream(p) << "half";
    return Status::IoError("disk gone");
  });
  EXPECT_EQ(failed.message(), "disk gone");
  EXPECT_TRUE(Files(dir.path()).empty());
}

TEST(ExportFileTest, ASymbolicLinkBelowTheFolderIsRefused) {
  testing::TempDir dir, elsewhere;
  fs::create_directory_symlink(elsewhere.path(), dir / "a");
  const Status status =
      PlaceExportFile(storage::RealFileSystem(), dir.path(), "a/b/c.dcm", WriteHello);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument) << status.ToString();
  EXPECT_TRUE(fs::is_empty(elsewhere.path()));
}

}  // namespace
}  // namespace pixeldex::exporting
