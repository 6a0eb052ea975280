// CopyFileContents: exact bytes, never over an existing file, nothing left
// behind by a failure. ReadFileUpTo: a file's every byte, or false past the
// limit.

#include "catalog/import/file_copy.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "tests/import/import_corpus.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::import {
namespace {

namespace fs = std::filesystem;
using pixeldex::testing::ReadFileBytes;
using pixeldex::testing::TempDir;
using pixeldex::testing::WriteBytes;

TEST(FileCopyTest, CopiesEveryByteOfAFileLargerThanOneChunk) {
  TempDir dir;
  std::string bytes(3 * 1024 * 1024 + 17, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 31 % 251);
  WriteBytes(dir / "from", bytes);
  ASSERT_TRUE(CopyFileContents(dir / "from", dir / "to").ok());
  EXPECT_EQ(ReadFileBytes(dir / "to"), bytes);
  const mode_t umask_now = ::umask(0);
  ::umask(umask_now);
  EXPECT_EQ(static_cast<mode_t>(fs::status(dir / "to").permissions() & fs::perms::all),
            0644 & ~umask_now);
}

TEST(FileCopyTest, WritesBytesFromMemoryButNeverOverAnExistingFile) {
  TempDir dir;
  const std::string bytes("a\0b\r\n", 5);
  ASSERT_TRUE(WriteFileContents(dir / "to", bytes).ok());
  EXPECT_EQ(ReadFileBytes(dir / "to"), bytes);
  EXPECT_FALSE(WriteFileContents(dir / "to", "other").ok());
  EXPECT_EQ(ReadFileBytes(dir / "to"), bytes);
}

TEST(FileCopyTest, CopiesAnEmptyFile) {
  TempDir dir;
  WriteBytes(dir / "from", "");
  ASSERT_TRUE(CopyFileContents(dir / "from", dir / "to").ok());
  EXPECT_EQ(fs::file_size(dir / "to"), 0u);
}

TEST(FileCopyTest, NeverOverwritesAndLeavesNothingOnFailure) {
  TempDir dir;
  WriteBytes(dir / "from", "new");
  WriteBytes(dir / "existing", "old");
  EXPECT_FALSE(CopyFileContents(dir / "from", dir / "existing").ok());
  EXPECT_EQ(ReadFileBytes(dir / "existing"), "old");

  const Status missing = CopyFileContents(dir / "missing", dir / "to");
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("missing"), std::string::npos) << missing.ToString();
  EXPECT_FALSE(fs::exists(dir / "to"));
}

TEST(FileCopyTest, ReadsAFileUpToTheLimitWholeIntoAReusedBuffer) {
  TempDir dir;
  std::string bytes(300 * 1024 + 5, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 17 % 253);
  WriteBytes(dir / "from", bytes);
  WriteBytes(dir / "short", "abc");
  std::string buffer(1024 * 1024, 'x');  // longer than the file: cut to it
  auto held = ReadFileUpTo(dir / "from", bytes.size(), buffer);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ASSERT_TRUE(*held);
  EXPECT_EQ(buffer, bytes);
  held = ReadFileUpTo(dir / "short", bytes.size(), buffer);
  ASSERT_TRUE(held.ok() && *held);
  EXPECT_EQ(buffer, "abc");
}

TEST(FileCopyTest, ReadsNothingOfAFileOverTheLimitAndNamesAMissingOne) {
  TempDir dir;
  WriteBytes(dir / "from", std::string(4097, 'a'));
  std::string buffer;
  auto held = ReadFileUpTo(dir / "from", 4096, buffer);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_FALSE(*held);
  held = ReadFileUpTo(dir / "from", 4097, buffer);
  ASSERT_TRUE(held.ok() && *held);
  EXPECT_EQ(buffer.size(), 4097u);

  held = ReadFileUpTo(dir / "missing", 4096, buffer);
  ASSERT_FALSE(held.ok());
  EXPECT_NE(held.status().message().find("missing"), std::string::npos);
}

}  // namespace
}  // namespace pixeldex::import
