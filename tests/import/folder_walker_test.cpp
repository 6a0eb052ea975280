// FolderWalker: recursion, order, symbolic links (ignored by default, cycles
// ending when followed), special files, unreadable directories.

#include "catalog/import/folder_walker.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/import/import_corpus.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::import {
namespace {

namespace fs = std::filesystem;
using pixeldex::testing::TempDir;
using pixeldex::testing::WriteBytes;

struct Walked {
  std::vector<std::string> files;  // relative to the temp dir
  std::vector<std::string> errors;
  WalkStats stats;
};

Walked WalkUnder(const TempDir& dir, const std::vector<std::string>& roots,
                 WalkOptions options = {}) {
  Walked w;
  std::vector<std::string> absolute_roots;
  for (const auto& r : roots) absolute_roots.push_back(dir / r);
  const std::string prefix = dir.path().string() + "/";
  w.stats = FolderWalker(options).Walk(
      absolute_roots,
      [&](WalkedFile f) {
        w.files.push_back(f.path.substr(prefix.size()));
        return true;
      },
      [&](const std::string& path, const Status& s) { w.errors.push_back(path); });
  return w;
}

TEST(FolderWalkerTest, FindsNestedFilesInNameOrderFilesBeforeSubdirectories) {
  TempDir dir;
  WriteBytes(dir / "root/b/2", "x");
  WriteBytes(dir / "root/b/1", "x");
  WriteBytes(dir / "root/a/deep/er/f", "x");
  WriteBytes(dir / "root/z", "x");
  fs::create_directories(dir / "root/empty");
  Walked w = WalkUnder(dir, {"root"});
  EXPECT_EQ(w.files,
            (std::vector<std::string>{"root/z", "root/a/deep/er/f", "root/b/1", "root/b/2"}));
  EXPECT_TRUE(w.errors.empty());
  EXPECT_EQ(w.stats.files, 4);
  EXPECT_EQ(w.stats.directories, 6);  // root, a, deep, er, b, empty
}

TEST(FolderWalkerTest, SkipsFilesWithASecondLinkBelowADirectoryWhenAsked) {
  TempDir dir;
  WriteBytes(dir / "root/a/single", "x");
  WriteBytes(dir / "elsewhere/entry", "x");
  fs::create_hard_link(dir / "elsewhere/entry", dir / "root/a/linked");
  EXPECT_EQ(WalkUnder(dir, {"root"}).files,
            (std::vector<std::string>{"root/a/linked", "root/a/single"}));
  WalkOptions options;
  options.skip_linked_files = true;
  Walked w = WalkUnder(dir, {"root", "root/a/linked"}, options);
  // Below the directory it is skipped; named as a root it is reported.
  EXPECT_EQ(w.files, (std::vector<std::string>{"root/a/single", "root/a/linked"}));
  EXPECT_EQ(w.stats.linked_skipped, 1);
}

TEST(FolderWalkerTest, ReportsSizesAndAcceptsFilesAsRoots) {
  TempDir dir;
  WriteBytes(dir / "one", std::string(1234, 'x'));
  int64_t size = -1;
  FolderWalker({}).Walk(
      {dir / "one"},
      [&](WalkedFile f) {
        size = f.size_bytes;
        return true;
      },
      [](const std::string&, const Status&) {});
  EXPECT_EQ(size, 1234);
}

TEST(FolderWalkerTest, IgnoresSymlinksByDefaultInsideAndOutOfTheTree) {
  TempDir dir;
  WriteBytes(dir / "outside/secret", "x");
  WriteBytes(dir / "root/real/file", "x");
  fs::create_directory_symlink(dir / "outside", dir / "root/to_outside");
  fs::create_symlink(dir / "outside/secret", dir / "root/secret_link");
  fs::create_directory_symlink(dir / "root/real", dir / "root/alias");
  Walked w = WalkUnder(dir, {"root"});
  EXPECT_EQ(w.files, (std::vector<std::string>{"root/real/file"}));
  EXPECT_EQ(w.stats.symlinks_skipped, 3);
}

TEST(FolderWalkerTest, FollowingSymlinksEndsCyclesAndReportsEachFileOnce) {
  TempDir dir;
  WriteBytes(dir / "outside/secret", "x");
  WriteBytes(dir / "root/a/file", "x");
  fs::create_directory_symlink(dir / "root", dir / "root/a/loop");  // a cycle
  fs::create_directory_symlink(dir / "outside", dir / "root/to_outside");
  fs::create_symlink(dir / "root/a/file", dir / "root/file_alias");
  fs::create_symlink(dir / "nowhere", dir / "root/dangling");
  WalkOptions options;
  options.follow_symlinks = true;
  Walked w = WalkUnder(dir, {"root"}, options);
  EXPECT_EQ(w.files, (std::vector<std::string>{"root/file_alias", "root/to_outside/secret"}))
      << "root/a/file is the file behind root/file_alias, found first";
  EXPECT_EQ(w.stats.symlinks_skipped, 1);  // the dangling one
  EXPECT_GE(w.stats.revisits_avoided, 2);  // the loop back to root, the file again
}

TEST(FolderWalkerTest, SymlinkedRootIsFollowed) {
  TempDir dir;
  WriteBytes(dir / "real/f", "x");
  fs::create_directory_symlink(dir / "real", dir / "link");
  Walked w = WalkUnder(dir, {"link"});
  EXPECT_EQ(w.files, (std::vector<std::string>{"link/f"}));
}

TEST(FolderWalkerTest, SkipsSpecialFilesAndListedDirectories) {
  TempDir dir;
  WriteBytes(dir / "root/f", "x");
  WriteBytes(dir / "root/.incoming/partial", "x");
  ASSERT_EQ(::mkfifo((dir / "root/fifo").c_str(), 0600), 0);
  WalkOptions options;
  options.skip_directories = {dir / "root/.incoming"};
  Walked w = WalkUnder(dir, {"root"}, options);
  EXPECT_EQ(w.files, (std::vector<std::string>{"root/f"}));
  EXPECT_EQ(w.stats.special_skipped, 1);
}

TEST(FolderWalkerTest, MissingRootIsAnErrorAndFalseFromTheCallbackStops) {
  TempDir dir;
  for (int i = 0; i < 5; ++i) WriteBytes(dir / ("root/" + std::to_string(i)), "x");
  int seen = 0;
  std::vector<std::string> errors;
  FolderWalker({}).Walk(
      {dir / "missing", dir / "root"}, [&](WalkedFile) { return ++seen < 2; },
      [&](const std::string& path, const Status&) { errors.push_back(path); });
  EXPECT_EQ(seen, 2);
  EXPECT_EQ(errors, (std::vector<std::string>{dir / "missing"}));
}

TEST(FolderWalkerTest, CancelStopsTheWalk) {
  TempDir dir;
  for (int i = 0; i < 5; ++i) WriteBytes(dir / ("root/" + std::to_string(i)), "x");
  std::atomic<bool> cancel{false};
  WalkOptions options;
  options.cancel = &cancel;
  int seen = 0;
  FolderWalker(options).Walk(
      {dir / "root"},
      [&](WalkedFile) {
        cancel.store(++seen == 3);
        return true;
      },
      [](const std::string&, const Status&) {});
  EXPECT_EQ(seen, 3);
}

}  // namespace
}  // namespace pixeldex::import
