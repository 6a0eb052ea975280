// import_shard.h: `--shard I/N` parsing, and a placement that is stable
// (pinned values: the same on every machine and build), total (each path in
// exactly one shard) and independent of where the tree is mounted.

#include "catalog/import/import_shard.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace pixeldex::import {
namespace {

TEST(ImportShardTest, ParsesIOfN) {
  auto shard = ParseImportShard("2/3");
  ASSERT_TRUE(shard.ok()) << shard.status().ToString();
  EXPECT_EQ(shard->index, 2);
  EXPECT_EQ(shard->count, 3);
  EXPECT_TRUE(ParseImportShard("1/1").ok());
  EXPECT_TRUE(ParseImportShard("7/7").ok());
}

TEST(ImportShardTest, RefusesWhatIsNotOneToN) {
  for (const char* bad : {"0/3", "4/3", "3/0", "-1/3", "1/-3", "x", "1/", "/3", "", "1/3/5",
                          "1.0/3", " 1/3", "1/3 ", "2"}) {
    auto shard = ParseImportShard(bad);
    EXPECT_EQ(shard.status().code(), Status::Code::kInvalidArgument) << bad;
  }
  EXPECT_NE(ParseImportShard("4/3").status().message().find("1 <= I <= N"), std::string::npos);
  EXPECT_NE(ParseImportShard("x").status().message().find("I/N"), std::string::npos);
}

TEST(ImportShardTest, PlacementIsPinnedSoEveryMachineAgrees) {
  // Computed independently (Python: int(sha256(p).hexdigest()[:16], 16) % N
  // + 1); they must never change, or shards of one import run by two builds
  // would overlap and miss files.
  struct Pinned {
    const char* path;
    int of3, of5;
  };
  for (const Pinned& p : {Pinned{"a", 2, 1}, Pinned{"PID-1/study/series/0001", 2, 2},
                          Pinned{"b/c.dcm", 3, 3}, Pinned{"x", 1, 2}}) {
    EXPECT_EQ(ShardOf(p.path, 3), p.of3) << p.path;
    EXPECT_EQ(ShardOf(p.path, 5), p.of5) << p.path;
  }
}

TEST(ImportShardTest, EveryFileIsInExactlyOneShardWhereverTheTreeIsMounted) {
  std::vector<std::string> relative;
  for (int i = 0; i < 300; ++i)
    relative.push_back("p" + std::to_string(i % 7) + "/f" + std::to_string(i));
  std::map<int, int> per_shard;
  for (const std::string& path : relative) {
    int owners = 0;
    for (int i = 1; i <= 3; ++i) {
      const ShardFilter here({i, 3}, {"/mnt/a/tree"});
      const ShardFilter there({i, 3}, {"/srv/other/tree/"});
      EXPECT_EQ(here.Owns("/mnt/a/tree/" + path), there.Owns("/srv/other/tree/" + path)) << path;
      if (here.Owns("/mnt/a/tree/" + path)) {
        ++owners;
        ++per_shard[i];
      }
    }
    EXPECT_EQ(owners, 1) << path;
  }
  // Uniform enough that no shard is left idle or takes nearly all.
  for (int i = 1; i <= 3; ++i) EXPECT_GT(per_shard[i], 60) << i;
  // 1/1 owns everything.
  EXPECT_TRUE(ShardFilter({1, 1}, {"/x"}).Owns("/x/anything"));
}

TEST(ImportShardTest, AFileGivenAsDirIsPlacedByItsName) {
  for (int i = 1; i <= 4; ++i) {
    const ShardFilter filter({i, 4}, {"/mnt/a/one.dcm"});
    EXPECT_EQ(filter.Owns("/mnt/a/one.dcm"), ShardOf("one.dcm", 4) == i);
  }
}

}  // namespace
}  // namespace pixeldex::import
