// DescriptorOutputStream (server/dimse/descriptor_output_stream.h): what is
// written, small pieces and large, reaches the file in order through the
// descriptor it hands over; a file that cannot be created or written says
// why and takes no more.

#include "server/dimse/descriptor_output_stream.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "tests/support/dicom_factory.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::server {
namespace {

TEST(DescriptorOutputStream, WritesSmallAndLargePiecesInOrderThroughOneDescriptor) {
  pixeldex::testing::TempDir dir;
  const std::string path = (dir.path() / "incoming.part").string();
  const std::string small(100, 's');
  const std::string large(3 * DescriptorOutputStream::kBufferBytes + 7, 'L');
  const std::string filling(DescriptorOutputStream::kBufferBytes - 50, 'f');
  DescriptorOutputStream out(path);
  ASSERT_TRUE(out.good()) << out.status().text();
  for (const std::string* piece : {&small, &large, &small, &filling, &small}) {
    EXPECT_EQ(out.write(piece->data(), static_cast<offile_off_t>(piece->size())),
              static_cast<offile_off_t>(piece->size()));
  }
  UniqueFd fd = out.Release();
  ASSERT_TRUE(fd.valid());
  EXPECT_TRUE(out.good());
  const std::string expected = small + large + small + filling + small;
  struct stat st {};
  ASSERT_EQ(::fstat(fd.get(), &st), 0);
  EXPECT_EQ(static_cast<size_t>(st.st_size), expected.size());
  std::string back(expected.size(), '\0');
  EXPECT_EQ(::pread(fd.get(), back.data(), back.size(), 0), static_cast<ssize_t>(back.size()));
  EXPECT_EQ(back, expected);
  EXPECT_EQ(pixeldex::testing::ReadFileBytes(path), expected);
}

TEST(DescriptorOutputStream, AFileThatCannotBeCreatedSaysWhy) {
  pixeldex::testing::TempDir dir;
  DescriptorOutputStream out((dir.path() / "no-such-dir" / "incoming.part").string());
  EXPECT_FALSE(out.good());
  EXPECT_NE(std::string(out.status().text()).find("No such file or directory"), std::string::npos)
      << out.status().text();
  EXPECT_EQ(out.write("x", 1), 0);
  EXPECT_FALSE(out.Release().valid());
}

TEST(DescriptorOutputStream, AFailedWriteEndsTheWritingAndSaysWhy) {
  // /dev/full: every write fails with ENOSPC, as on a full disk.
  DescriptorOutputStream out("/dev/full");
  ASSERT_TRUE(out.good()) << out.status().text();
  const std::string large(2 * DescriptorOutputStream::kBufferBytes, 'L');
  EXPECT_EQ(out.write(large.data(), static_cast<offile_off_t>(large.size())), 0);
  EXPECT_FALSE(out.good());
  EXPECT_NE(std::string(out.status().text()).find("No space left on device"), std::string::npos)
      << out.status().text();
  EXPECT_EQ(out.write("x", 1), 0);
  EXPECT_FALSE(out.Release().valid());
  // A small write fails when the buffer is written out.
  DescriptorOutputStream buffered("/dev/full");
  EXPECT_EQ(buffered.write("abc", 3), 3);
  EXPECT_FALSE(buffered.Release().valid());
  EXPECT_FALSE(buffered.good());
}

}  // namespace
}  // namespace pixeldex::server
