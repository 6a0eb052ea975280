// HashingOutputStream (server/dimse/hashing_output_stream.h): the hash taken
// while a file is written, after its header was hashed back from the file
// (HashHeaderAndReopen), is the hash of the file on disk.

#include "server/dimse/hashing_output_stream.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcostrmf.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace pixeldex::server {
namespace {

TEST(HashingOutputStreamTest, HashOfHeadAndWrittenDataSetIsTheFilesHash) {
  testing::TempDir dir;
  const std::string path = dir / "incoming.part";
  DcmDataset dataset;
  ASSERT_TRUE(dataset.putAndInsertString(DCM_PatientName, "Hash^Test").good());
  // Far beyond DcmOutputFileStream's buffer, so it is written in pieces.
  const std::vector<Uint16> pixels(300000, 0x1234);
  ASSERT_TRUE(
      dataset.putAndInsertUint16Array(DCM_PixelData, pixels.data(), pixels.size()).good());

  storage::Sha256Hasher hasher;
  {
    auto header = std::make_unique<DcmOutputFileStream>(path.c_str());
    ASSERT_TRUE(header->good());
    const std::string preamble(128, '\0');  // as DIMSE_createFilestream's header starts
    header->write(preamble.data(), preamble.size());
    header->write("DICM", 4);
    auto reopened = HashHeaderAndReopen(std::move(header), path, hasher);
    ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
    HashingOutputStream hashing(**reopened, hasher);
    dataset.transferInit();
    ASSERT_TRUE(dataset.write(hashing, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr)
                    .good());
    dataset.transferEnd();
  }
  auto on_disk = storage::Sha256OfFile(path);
  ASSERT_TRUE(on_disk.ok());
  EXPECT_GT(std::filesystem::file_size(path), 600000u);
  EXPECT_EQ(hasher.HexDigest(), *on_disk);
}

TEST(HashingOutputStreamTest, HeaderThatCannotBeReadBackIsAnError) {
  testing::TempDir dir;
  const std::string path = dir / "incoming.part";
  auto header = std::make_unique<DcmOutputFileStream>(path.c_str());
  header->write("DICM", 4);
  storage::Sha256Hasher hasher;
  EXPECT_FALSE(HashHeaderAndReopen(std::move(header), dir / "elsewhere.part", hasher).ok());
}

}  // namespace
}  // namespace pixeldex::server
