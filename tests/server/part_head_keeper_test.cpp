// HeadKeeper: a STOW-RS part's first bytes kept as far as its checks read
// them (the first kSniffBytes, then up to the end of the File Meta
// Information, at most its limit), however the part's bytes are split.

#include "server/dicomweb/part_head_keeper.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "catalog/import/dicom_sniffer.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::server {
namespace {

using import::FileMetaEnd;
using import::FileMetaValue;
using import::kMediaStorageSopInstanceUid;
using import::kSniffBytes;

constexpr size_t kLimit = 8 * 1024;
// Piece sizes a body arrives in: a byte at a time, odd sizes, the sniffed
// size, and the whole part at once.
constexpr size_t kPieces[] = {1, 7, 100, 1000, kSniffBytes, 1 << 20};

// A Part-10 test instance of 64x64 pixels (longer than kLimit); with
// `meta_padding`, a Private Information element (0002,0102) of that many
// bytes closes its File Meta Information.
std::string Part10Bytes(size_t meta_padding = 0) {
  testing::TempDir dir;
  testing::TestInstance instance;
  instance.rows = 64;
  instance.columns = 64;
  testing::WriteTestInstance(dir / "f", instance);
  std::string bytes = testing::ReadFileBytes(dir / "f");
  if (meta_padding > 0) {
    bytes.insert(FileMetaEnd(bytes),
                 testing::LongElementHeader(0x0002, 0x0102, "OB",
                                            static_cast<uint32_t>(meta_padding)) +
                     std::string(meta_padding, 'p'));
  }
  return bytes;
}

HeadKeeper Kept(std::string_view bytes, size_t piece) {
  HeadKeeper keeper(kLimit);
  for (size_t at = 0; at < bytes.size(); at += piece) keeper.Add(bytes.substr(at, piece));
  return keeper;
}

TEST(HeadKeeperTest, KeepsTheSniffedBytesWhenTheFileMetaEndsWithinThem) {
  const std::string bytes = Part10Bytes();
  ASSERT_LT(FileMetaEnd(bytes), kSniffBytes);
  for (const size_t piece : kPieces) {
    const HeadKeeper keeper = Kept(bytes, piece);
    EXPECT_TRUE(keeper.whole()) << piece;
    EXPECT_EQ(keeper.head(), bytes.substr(0, kSniffBytes)) << piece;
  }
}

TEST(HeadKeeperTest, KeepsALongFileMetaInformationToItsEnd) {
  const std::string bytes = Part10Bytes(3000);
  const size_t end = FileMetaEnd(bytes);
  ASSERT_GT(end, kSniffBytes);
  ASSERT_LT(end, kLimit);
  const testing::TestInstance instance;
  for (const size_t piece : kPieces) {
    const HeadKeeper keeper = Kept(bytes, piece);
    EXPECT_TRUE(keeper.whole()) << piece;
    EXPECT_EQ(keeper.head(), bytes.substr(0, keeper.head().size())) << piece;
    EXPECT_EQ(FileMetaValue(keeper.head(), kMediaStorageSopInstanceUid),
              instance.sop_instance_uid)
        << piece;
    // No further than the piece that showed the end (the next element's
    // first 8 bytes show it), or the limit.
    EXPECT_LE(keeper.head().size(), std::min(kLimit, end + 8 + piece)) << piece;
  }
}

TEST(HeadKeeperTest, KeepsNoMoreThanItsLimitWhenTheFileMetaDoesNotEnd) {
  const std::string bytes = Part10Bytes(2 * kLimit);
  for (const size_t piece : kPieces) {
    const HeadKeeper keeper = Kept(bytes, piece);
    EXPECT_TRUE(keeper.whole()) << piece;
    EXPECT_EQ(keeper.head(), bytes.substr(0, kLimit)) << piece;
  }
}

TEST(HeadKeeperTest, KeepsTheSniffedBytesOfWhatIsNotAPart10File) {
  const std::string bytes(3 * kSniffBytes, 'x');
  for (const size_t piece : kPieces) {
    const HeadKeeper keeper = Kept(bytes, piece);
    EXPECT_TRUE(keeper.whole()) << piece;
    EXPECT_EQ(keeper.head(), bytes.substr(0, kSniffBytes)) << piece;
  }
}

TEST(HeadKeeperTest, AShortPartIsKeptWholeAndWaitsForMore) {
  const std::string bytes = Part10Bytes().substr(0, kSniffBytes / 2);
  HeadKeeper keeper = Kept(bytes, 7);
  EXPECT_FALSE(keeper.whole());
  EXPECT_EQ(keeper.head(), bytes);
  keeper.Add("");
  EXPECT_EQ(keeper.head(), bytes);
}

}  // namespace
}  // namespace pixeldex::server
