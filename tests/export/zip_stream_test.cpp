// ZipStream and ZipDestination: archives that Info-ZIP's unzip and Python's
// zipfile read back entry for entry, byte for byte, also in their ZIP64
// form (forced on small archives by lowering the threshold); an entry that
// gets fewer or more bytes than it announced is refused.

#include "catalog/export/zip_stream.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "catalog/export/zip_destination.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::exporting {
namespace {

using testing::ReadFileBytes;
using testing::RunProcess;

// Writes an archive of `entries` (name, bytes) to `path` through ZipStream.
void WriteZip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& entries,
              uint64_t zip64_from) {
  std::ofstream out(path, std::ios::binary);
  ZipStream zip(
      [&](std::string_view bytes) {
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        return Status::Ok();
      },
      zip64_from);
  for (const auto& [name, bytes] : entries) {
    ASSERT_TRUE(zip.BeginEntry(name, bytes.size(), Crc32(0, bytes)).ok());
    // In two pieces, as a stream gets them.
    ASSERT_TRUE(zip.Write(std::string_view(bytes).substr(0, bytes.size() / 2)).ok());
    ASSERT_TRUE(zip.Write(std::string_view(bytes).substr(bytes.size() / 2)).ok());
  }
  ASSERT_TRUE(zip.Finish().ok());
}

// What Python's zipfile reads: "name size crc-ok" per entry, and whether
// the archive is ZIP64.
std::string PythonReads(const std::string& path) {
  auto r = RunProcess({"python3", "-c",
                       "import sys, zipfile\n"
                       "z = zipfile.ZipFile(sys.argv[1])\n"
                       "assert z.testzip() is None\n"
                       "for i in z.infolist(): print(i.filename, len(z.read(i)))\n",
                       path});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

const std::vector<std::pair<std::string, std::string>> kEntries = {
    {"1.2.3/1.2.3.4/1.2.3.4.5.dcm", std::string(70000, '\x7f') + "end"},
    {"manifest.csv", "sop_instance_uid,file\n1.2.3.4.5,1.2.3/1.2.3.4/1.2.3.4.5.dcm\n"},
    {"empty", ""}};

TEST(ZipStreamTest, UnzipAndPythonReadTheEntriesBack) {
  testing::TempDir dir;
  for (const uint64_t zip64_from : {uint64_t{0xFFFFFFFF}, uint64_t{0}}) {
    const std::string zip = dir / ("a" + std::to_string(zip64_from) + ".zip");
    WriteZip(zip, kEntries, zip64_from);
    const std::string out = dir / ("x" + std::to_string(zip64_from));
    auto unzip = RunProcess({"unzip", "-q", zip, "-d", out});
    ASSERT_EQ(unzip.exit_code, 0) << unzip.output;
    for (const auto& [name, bytes] : kEntries) {
      EXPECT_TRUE(ReadFileBytes(out + "/" + name) == bytes) << name << " zip64_from " << zip64_from;
    }
    EXPECT_EQ(PythonReads(zip),
              "1.2.3/1.2.3.4/1.2.3.4.5.dcm 70003\nmanifest.csv " +
                  std::to_string(kEntries[1].second.size()) + "\nempty 0\n");
    // The ZIP64 end of central directory record (APPNOTE 4.3.14) only when asked for.
    const bool has_zip64_end = ReadFileBytes(zip).find("PK\x06\x06") != std::string::npos;
    EXPECT_EQ(has_zip64_end, zip64_from == 0);
  }
}

TEST(ZipStreamTest, AnEntryMustGetExactlyItsSize) {
  ZipStream zip([](std::string_view) { return Status::Ok(); });
  ASSERT_TRUE(zip.BeginEntry("a", 3, Crc32(0, "abc")).ok());
  EXPECT_FALSE(zip.Write("abcd").ok());
  ASSERT_TRUE(zip.Write("ab").ok());
  EXPECT_FALSE(zip.BeginEntry("b", 0, 0).ok()) << "a is one byte short";
  EXPECT_FALSE(zip.Finish().ok());
  ASSERT_TRUE(zip.Write("c").ok());
  EXPECT_TRUE(zip.Finish().ok());
  EXPECT_FALSE(zip.BeginEntry("late", 0, 0).ok());
}

TEST(ZipStreamTest, TheSinksErrorStopsTheStream) {
  ZipStream zip([](std::string_view) { return Status::IoError("disk full"); });
  const Status status = zip.BeginEntry("a", 1, 0);
  EXPECT_EQ(status.message(), "disk full");
}

TEST(ZipDestinationTest, TheArchiveHasItsNameOnlyWhenFinished) {
  testing::TempDir dir;
  const std::string zip = dir / "export.zip";
  auto destination = ZipDestination::Create(zip);
  ASSERT_TRUE(destination.ok()) << destination.status().message();
  for (const auto& [name, bytes] : kEntries) {
    const Status placed = (*destination)->Place(name, [&](const std::string& path) {
      std::ofstream(path, std::ios::binary) << bytes;
      return Status::Ok();
    });
    ASSERT_TRUE(placed.ok()) << placed.message();
  }
  const Status refused = (*destination)->Place("failed", [](const std::string&) {
    return Status::IoError("the writer failed");
  });
  EXPECT_EQ(refused.message(), "the writer failed");
  EXPECT_FALSE(std::filesystem::exists(zip));
  EXPECT_TRUE(std::filesystem::exists(zip + ".partial"));
  ASSERT_TRUE((*destination)->Finish().ok());
  EXPECT_FALSE(std::filesystem::exists(zip + ".partial"));
  EXPECT_FALSE(std::filesystem::exists(zip + ".entry")) << "the temporary entry file is gone";
  EXPECT_EQ(PythonReads(zip), "1.2.3/1.2.3.4/1.2.3.4.5.dcm 70003\nmanifest.csv " +
                                  std::to_string(kEntries[1].second.size()) + "\nempty 0\n");
}

}  // namespace
}  // namespace pixeldex::exporting
