// Recognition by content: Part-10 files, raw data sets in both Little Endian
// encodings, and the many things that are not DICOM.

#include "catalog/import/dicom_sniffer.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/import/import_corpus.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::import {
namespace {

using pixeldex::testing::ReadFileBytes;
using pixeldex::testing::TempDir;
using pixeldex::testing::TestInstance;
using pixeldex::testing::WriteBytes;

DicomKind Classify(const std::string& path) {
  auto kind = ClassifyDicomFile(path);
  EXPECT_TRUE(kind.ok()) << kind.status().ToString();
  return kind.ok() ? *kind : DicomKind::kNotDicom;
}

TEST(DicomSnifferTest, Part10FilesInEveryUncompressedSyntax) {
  TempDir dir;
  for (E_TransferSyntax xfer :
       {EXS_LittleEndianExplicit, EXS_LittleEndianImplicit, EXS_BigEndianExplicit}) {
    pixeldex::testing::WriteTestInstance(dir / "f", TestInstance{}, xfer);
    EXPECT_EQ(Classify(dir / "f"), DicomKind::kPart10) << DcmXfer(xfer).getXferName();
  }
}

TEST(DicomSnifferTest, ADicomdirIsDicomButNotAnInstance) {
  TempDir dir;
  const std::string dicomdir = pixeldex::testing::WriteCdFolder(dir.path().string(), 1);
  std::string what;
  auto kind = ClassifyDicomFile(dicomdir, &what);
  ASSERT_TRUE(kind.ok());
  EXPECT_EQ(*kind, DicomKind::kNotInstance);
  EXPECT_EQ(what, "DICOMDIR");
  EXPECT_EQ(Classify(dir / "IMG1"), DicomKind::kPart10);
}

TEST(DicomSnifferTest, RawDatasetsInImplicitAndExplicitLittleEndian) {
  TempDir dir;
  for (E_TransferSyntax xfer : {EXS_LittleEndianImplicit, EXS_LittleEndianExplicit}) {
    pixeldex::testing::WriteRawDataset(dir / "raw", TestInstance{}, xfer);
    EXPECT_EQ(Classify(dir / "raw"), DicomKind::kRawDataset) << DcmXfer(xfer).getXferName();
  }
}

TEST(DicomSnifferTest, RawBigEndianIsNotGuessed) {
  TempDir dir;
  pixeldex::testing::WriteRawDataset(dir / "raw", TestInstance{}, EXS_BigEndianExplicit);
  EXPECT_EQ(Classify(dir / "raw"), DicomKind::kNotDicom);
}

TEST(DicomSnifferTest, TextEmptyAndOtherFormatsAreNotDicom) {
  TempDir dir;
  WriteBytes(dir / "text", "patient list\nDoe^John\n");
  WriteBytes(dir / "empty", "");
  WriteBytes(dir / "png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  WriteBytes(dir / "zip", std::string("PK\x03\x04", 4) + std::string(200, 'z'));
  for (const char* name : {"text", "empty", "png", "zip"}) {
    EXPECT_EQ(Classify(dir / name), DicomKind::kNotDicom) << name;
  }
}

TEST(DicomSnifferTest, TruncatedPart10IsRecognisedButOnlyIfThePrefixSurvived) {
  TempDir dir;
  pixeldex::testing::WriteTestInstance(dir / "whole", TestInstance{});
  const std::string whole = ReadFileBytes(dir / "whole");
  WriteBytes(dir / "cut_in_header", whole.substr(0, 300));
  WriteBytes(dir / "cut_in_preamble", whole.substr(0, 100));
  // Ingest, not recognition, finds out that the rest is missing.
  EXPECT_EQ(Classify(dir / "cut_in_header"), DicomKind::kPart10);
  EXPECT_EQ(Classify(dir / "cut_in_preamble"), DicomKind::kNotDicom);
}

TEST(DicomSnifferTest, ElementLengthsMustFitTheFile) {
  // (0008,0016) UI, length 26: plausible only when the file holds 26 bytes.
  const std::string header("\x08\x00\x16\x00UI\x1a\x00", 8);
  const std::string value = "1.2.840.10008.5.1.4.1.1.2";  // 25 + padding
  EXPECT_EQ(ClassifyDicomPrefix(header + value + '\0', 34), DicomKind::kRawDataset);
  EXPECT_EQ(ClassifyDicomPrefix(header + value.substr(0, 10), 18), DicomKind::kNotDicom);
}

TEST(DicomSnifferTest, TagsMustAscend) {
  std::string two_elements = std::string("\x08\x00\x16\x00UI\x02\x00", 8) + "1" + '\0' +
                             std::string("\x08\x00\x05\x00CS\x02\x00", 8) + "AB";
  EXPECT_EQ(ClassifyDicomPrefix(two_elements, static_cast<int64_t>(two_elements.size())),
            DicomKind::kNotDicom);
}

TEST(DicomSnifferTest, RandomBytesStartingLikeGroup8AreNotMistaken) {
  std::mt19937 random(20261125);
  int mistaken = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string bytes(kSniffBytes, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    bytes[0] = '\x08';
    bytes[1] = '\x00';
    if (ClassifyDicomPrefix(bytes, 4096) != DicomKind::kNotDicom) ++mistaken;
  }
  EXPECT_EQ(mistaken, 0);
}

TEST(DicomSnifferTest, FileMetaValuesNameTheInstance) {
  TempDir dir;
  TestInstance t;
  pixeldex::testing::WriteTestInstance(dir / "f", t);
  const std::string bytes = pixeldex::testing::ReadFileBytes(dir / "f");
  EXPECT_EQ(FileMetaValue(bytes, kMediaStorageSopClassUid), t.sop_class_uid);
  EXPECT_EQ(FileMetaValue(bytes, kMediaStorageSopInstanceUid), t.sop_instance_uid);
  EXPECT_EQ(FileMetaValue(bytes, 0x0099), "");  // absent
  // Cut inside the meta header: what is not wholly there is not read.
  const size_t cut = bytes.find(t.sop_instance_uid) + 3;
  EXPECT_EQ(FileMetaValue(bytes.substr(0, cut), kMediaStorageSopInstanceUid), "");
  EXPECT_EQ(FileMetaValue("not a Part-10 file", kMediaStorageSopClassUid), "");
}

TEST(DicomSnifferTest, FileMetaEndIsTheFirstElementAfterGroup0002) {
  TempDir dir;
  TestInstance t;
  pixeldex::testing::WriteTestInstance(dir / "f", t);
  const std::string bytes = pixeldex::testing::ReadFileBytes(dir / "f");
  const size_t end = FileMetaEnd(bytes);
  ASSERT_NE(end, std::string::npos);
  ASSERT_GT(end, 132u);
  EXPECT_NE(bytes[end], '\x02');  // the data set's first element: another group
  // Up to there is all FileMetaValue reads.
  EXPECT_EQ(FileMetaValue(bytes.substr(0, end), kMediaStorageSopInstanceUid), t.sop_instance_uid);
  EXPECT_EQ(FileMetaEnd(bytes.substr(0, end + 8)), end);
  // Not yet known while the head ends inside the meta group.
  EXPECT_EQ(FileMetaEnd(bytes.substr(0, end - 1)), std::string::npos);
  EXPECT_EQ(FileMetaEnd(bytes.substr(0, 100)), std::string::npos);
  EXPECT_EQ(FileMetaEnd(std::string(200, 'x')), 0u);  // not a Part-10 file
}

TEST(DicomSnifferTest, MissingFileIsAnError) {
  TempDir dir;
  EXPECT_FALSE(ClassifyDicomFile(dir / "missing").ok());
}

}  // namespace
}  // namespace pixeldex::import
