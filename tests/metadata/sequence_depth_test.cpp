// The data set framing guards: the sequence nesting guard counts nesting like
// DCMTK's parser would see it, in every uncompressed transfer syntax, with
// defined and undefined lengths; the structure check refuses command and meta
// elements, repeated or descending tags and absurd element counts, also in
// the inflated stream of a Deflated data set.

#include <gtest/gtest.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "catalog/metadata/sequence_depth.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::metadata {
namespace {

struct Encoding {
  E_TransferSyntax xfer;
  E_EncodingType lengths;
  const char* name;
};

class SequenceDepthTest : public ::testing::TestWithParam<Encoding> {
 protected:
  // A test instance whose data set also nests `depth` Referenced Image
  // Sequences, written in the parameter's encoding.
  std::string Write(int depth) {
    const std::string path = dir_ / ("nested" + std::to_string(depth) + ".dcm");
    testing::WriteTestInstance(path, testing::TestInstance{}, EXS_LittleEndianExplicit);
    DcmFileFormat file;
    EXPECT_TRUE(file.loadFile(path.c_str()).good());
    DcmItem* item = file.getDataset();
    for (int level = 0; level < depth; ++level) {
      DcmItem* child = nullptr;
      EXPECT_TRUE(item->findOrCreateSequenceItem(DCM_ReferencedImageSequence, child, -2).good());
      child->putAndInsertString(DCM_ReferencedSOPInstanceUID, "1.2.3");
      item = child;
    }
    EXPECT_TRUE(file.saveFile(path.c_str(), GetParam().xfer, GetParam().lengths).good());
    return path;
  }
  testing::TempDir dir_;
};

TEST_P(SequenceDepthTest, AcceptsTheLimitAndRefusesOneMore) {
  EXPECT_TRUE(CheckSequenceDepth(Write(3), 3).ok());
  const Status refused = CheckSequenceDepth(Write(4), 3);
  EXPECT_EQ(refused.code(), Status::Code::kCorruption);
  EXPECT_NE(refused.message().find("more than 3 deep"), std::string::npos) << refused.message();
}

TEST_P(SequenceDepthTest, SiblingSequencesDoNotAddUp) {
  const std::string path = Write(2);
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  for (int i = 0; i < 20; ++i) {
    DcmItem* item = nullptr;
    ASSERT_TRUE(file.getDataset()->findOrCreateSequenceItem(DCM_ReferencedStudySequence, item, -2).good());
    item->putAndInsertString(DCM_ReferencedSOPInstanceUID, "1.2.3");
  }
  ASSERT_TRUE(file.saveFile(path.c_str(), GetParam().xfer, GetParam().lengths).good());
  EXPECT_TRUE(CheckSequenceDepth(path, 2).ok());
}

TEST_P(SequenceDepthTest, RealDataSetsPassTheStructureCheck) {
  const std::string path = Write(5);
  EXPECT_TRUE(CheckStoredDataSet(path).ok()) << CheckStoredDataSet(path).ToString();
}

INSTANTIATE_TEST_SUITE_P(
    Encodings, SequenceDepthTest,
    ::testing::Values(Encoding{EXS_LittleEndianExplicit, EET_UndefinedLength, "ExplicitUndefined"},
                      Encoding{EXS_LittleEndianExplicit, EET_ExplicitLength, "ExplicitDefined"},
                      Encoding{EXS_LittleEndianImplicit, EET_UndefinedLength, "ImplicitUndefined"},
                      Encoding{EXS_LittleEndianImplicit, EET_ExplicitLength, "ImplicitDefined"},
                      Encoding{EXS_BigEndianExplicit, EET_ExplicitLength, "BigEndian"},
                      Encoding{EXS_DeflatedLittleEndianExplicit, EET_UndefinedLength, "Deflated"}),
    [](const ::testing::TestParamInfo<Encoding>& info) { return std::string(info.param.name); });

TEST(SequenceDepthBytesTest, EncapsulatedPixelDataIsNotASequence) {
  testing::TempDir dir;
  const std::string path = dir / "jpeg.dcm";
  testing::WriteEncapsulatedInstance(path, testing::TestInstance{}, EXS_JPEGProcess14SV1,
                                     std::string(100, '\x42'));
  EXPECT_TRUE(CheckSequenceDepth(path, 0).ok());
}

TEST(SequenceDepthBytesTest, UnknownVrOfUndefinedLengthIsASequence) {
  // PS3.5 6.2.2: (0009,1000) UN, undefined length, holding Implicit VR items.
  const std::string un = testing::LongElementHeader(0x0009, 0x1000, "UN", 0xFFFFFFFF);
  const std::string item = std::string("\xFE\xFF\x00\xE0\xFF\xFF\xFF\xFF", 8);
  const std::string item_end = std::string("\xFE\xFF\x0D\xE0\x00\x00\x00\x00", 8);
  const std::string seq_end = std::string("\xFE\xFF\xDD\xE0\x00\x00\x00\x00", 8);
  // Inside: an implicit VR (0009,1001) of undefined length, itself a sequence.
  const std::string implicit_sq = std::string("\x09\x00\x01\x10\xFF\xFF\xFF\xFF", 8);
  const std::string bytes = un + item + implicit_sq + item + item_end + seq_end + item_end + seq_end;
  EXPECT_TRUE(CheckSequenceDepthOfBytes(bytes, false, 2).ok());
  EXPECT_EQ(CheckSequenceDepthOfBytes(bytes, false, 1).code(), Status::Code::kCorruption);
}

// Raw deflate (PS3.5 A.5) of `bytes`.
std::string Deflate(const std::string& bytes) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, bytes.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

TEST(SequenceDepthBytesTest, DeflatedValueLongerThanTheStreamIsRefused) {
  // DCMTK would allocate the declared 2 GiB before finding the stream short.
  testing::TempDir dir;
  const std::string deflated = dir / "deflated.dcm";
  const std::string plain = dir / "plain.dcm";
  testing::WriteTestInstance(deflated, testing::TestInstance{}, EXS_DeflatedLittleEndianExplicit);
  testing::WriteTestInstance(plain, testing::TestInstance{}, EXS_LittleEndianExplicit);
  EXPECT_TRUE(CheckSequenceDepth(deflated).ok());
  // The same meta header, then a deflated data set that ends in a lie.
  const std::string whole = testing::ReadFileBytes(deflated);
  const std::string meta = whole.substr(0, whole.size() - testing::DatasetBytes(deflated).size());
  const std::string lie = testing::LongElementHeader(0xFFFC, 0xFFFC, "OB", 0x7FFFFFF0) + "xx";
  std::ofstream(deflated, std::ios::binary | std::ios::trunc)
      << meta << Deflate(testing::DatasetBytes(plain) + lie);
  const Status refused = CheckSequenceDepth(deflated);
  EXPECT_EQ(refused.code(), Status::Code::kCorruption) << refused.ToString();
}

TEST(SequenceDepthBytesTest, GarbageIsLeftForTheParser) {
  EXPECT_TRUE(CheckSequenceDepthOfBytes(std::string(1000, '\xFF'), false, 1).ok());
  EXPECT_TRUE(CheckSequenceDepthOfBytes(std::string(3, 'x'), true, 1).ok());
  EXPECT_TRUE(CheckSequenceDepth("/nonexistent/file.dcm", 1).ok());
}

TEST(SequenceDepthBytesTest, HundredThousandLevelsAreRefusedWithoutRecursion) {
  EXPECT_EQ(CheckSequenceDepthOfBytes(testing::NestedSequenceBytes(100000), false).code(),
            Status::Code::kCorruption);
}

// Explicit VR Little Endian bytes of an element with a 2-byte length field.
std::string ShortElement(uint16_t group, uint16_t element, const char* vr, const std::string& value) {
  std::string out = testing::LongElementHeader(group, element, vr, 0).substr(0, 6);
  out += static_cast<char>(value.size() & 0xFF);
  out += static_cast<char>(value.size() >> 8);
  return out + value;
}

std::string Refusal(const std::string& dataset) {
  const Status s = CheckStoredDataSetOfBytes(dataset, false);
  EXPECT_EQ(s.code(), Status::Code::kCorruption) << s.ToString();
  return s.message();
}

// `meta` followed by the raw deflate of `dataset`, as a Part-10 file in
// Deflated Explicit VR Little Endian would hold it.
std::string WriteDeflated(const testing::TempDir& dir, const std::string& dataset) {
  const std::string path = dir / "deflated-with-tail.dcm";
  testing::WriteTestInstance(path, testing::TestInstance{}, EXS_DeflatedLittleEndianExplicit);
  const std::string whole = testing::ReadFileBytes(path);
  const std::string meta = whole.substr(0, whole.size() - testing::DatasetBytes(path).size());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << meta << Deflate(dataset);
  return path;
}

TEST(StoredDataSetTest, ZeroTailIsRefusedAsCommandElements) {
  // Zero bytes parse as (0000,0000) elements, at ~0.3 s of DCMTK CPU per MB.
  testing::TempDir dir;
  for (E_TransferSyntax xfer : {EXS_LittleEndianExplicit, EXS_LittleEndianImplicit}) {
    const std::string path = dir / "zeros.dcm";
    testing::WriteTestInstance(path, testing::TestInstance{}, xfer);
    ASSERT_TRUE(CheckStoredDataSet(path).ok());
    std::ofstream(path, std::ios::binary | std::ios::app) << std::string(1 << 20, '\0');
    const Status refused = CheckStoredDataSet(path);
    EXPECT_EQ(refused.code(), Status::Code::kCorruption);
    EXPECT_NE(refused.message().find("group 0000"), std::string::npos) << refused.message();
  }
}

TEST(StoredDataSetTest, DeflatedZeroTailIsRefusedOnTheInflatedStream) {
  // 64 MiB of zeros deflate to about 64 kB: 18 s of parsing per read before.
  testing::TempDir dir;
  const std::string plain = dir / "plain.dcm";
  testing::WriteTestInstance(plain, testing::TestInstance{}, EXS_LittleEndianExplicit);
  const std::string dataset = testing::DatasetBytes(plain);
  EXPECT_TRUE(CheckStoredDataSet(WriteDeflated(dir, dataset)).ok());
  const std::string path = WriteDeflated(dir, dataset + std::string(64 << 20, '\0'));
  EXPECT_LT(std::filesystem::file_size(path), 100'000u);
  const Status refused = CheckStoredDataSet(path);
  EXPECT_EQ(refused.code(), Status::Code::kCorruption);
  EXPECT_NE(refused.message().find("group 0000"), std::string::npos) << refused.message();
}

TEST(StoredDataSetTest, BareDataSetIsCheckedInTheEncodingTheParserGuesses) {
  testing::TempDir dir;
  const std::string part10 = dir / "part10.dcm";
  for (E_TransferSyntax xfer : {EXS_LittleEndianExplicit, EXS_LittleEndianImplicit}) {
    testing::WriteTestInstance(part10, testing::TestInstance{}, xfer);
    const std::string bare = dir / "bare.dcm";
    std::ofstream(bare, std::ios::binary | std::ios::trunc) << testing::DatasetBytes(part10);
    EXPECT_TRUE(CheckStoredDataSet(bare).ok()) << CheckStoredDataSet(bare).ToString();
    std::ofstream(bare, std::ios::binary | std::ios::app) << std::string(4096, '\0');
    EXPECT_EQ(CheckStoredDataSet(bare).code(), Status::Code::kCorruption);
  }
}

TEST(StoredDataSetTest, RepeatedAndDescendingTagsAreRefused) {
  const std::string modality = ShortElement(0x0008, 0x0060, "CS", "CT");
  const std::string id = ShortElement(0x0010, 0x0020, "LO", "ID");
  EXPECT_TRUE(CheckStoredDataSetOfBytes(modality + id, false).ok());
  EXPECT_NE(Refusal(modality + modality).find("(0008,0060) twice"), std::string::npos);
  EXPECT_NE(Refusal(id + modality).find("(0008,0060) out of order, after (0010,0020)"),
            std::string::npos);
}

TEST(StoredDataSetTest, OrderIsKeptPerItem) {
  // Each item starts afresh; after the sequence, its tag is the last one.
  const std::string item = ShortElement(0x0008, 0x1150, "UI", "1.2") +
                           ShortElement(0x0008, 0x1155, "UI", "1.2.3.");
  const std::string sequence = testing::LongElementHeader(0x0008, 0x1140, "SQ", 0xFFFFFFFF) +
                               std::string("\xFE\xFF\x00\xE0\xFF\xFF\xFF\xFF", 8) + item +
                               std::string("\xFE\xFF\x0D\xE0\0\0\0\0", 8) +
                               std::string("\xFE\xFF\x00\xE0\xFF\xFF\xFF\xFF", 8) + item +
                               std::string("\xFE\xFF\x0D\xE0\0\0\0\0", 8) +
                               std::string("\xFE\xFF\xDD\xE0\0\0\0\0", 8);
  const std::string after = ShortElement(0x0010, 0x0020, "LO", "ID");
  EXPECT_TRUE(CheckStoredDataSetOfBytes(sequence + after, false).ok());
  const std::string before = ShortElement(0x0008, 0x0060, "CS", "CT");
  EXPECT_NE(Refusal(sequence + before).find("out of order"), std::string::npos);
  // Inside an item, too.
  const std::string swapped = ShortElement(0x0008, 0x1155, "UI", "1.2.3.") +
                              ShortElement(0x0008, 0x1150, "UI", "1.2");
  const std::string bad_item = testing::LongElementHeader(0x0008, 0x1140, "SQ", 0xFFFFFFFF) +
                               std::string("\xFE\xFF\x00\xE0\xFF\xFF\xFF\xFF", 8) + swapped;
  EXPECT_NE(Refusal(bad_item).find("out of order"), std::string::npos);
}

TEST(StoredDataSetTest, CommandAndMetaElementsAreRefused) {
  const std::string modality = ShortElement(0x0008, 0x0060, "CS", "CT");
  EXPECT_NE(Refusal(ShortElement(0x0000, 0x0100, "US", "\x01\x00") + modality).find("group 0000"),
            std::string::npos);
  EXPECT_NE(Refusal(ShortElement(0x0002, 0x0010, "UI", "1.2.840.10008.1.2") + modality)
                .find("group 0002"),
            std::string::npos);
}

TEST(StoredDataSetTest, ElementCountIsBounded) {
  // Private elements (0009,xxxx), (0011,xxxx)...: ascending, empty, 8 bytes each.
  auto empties = [](uint64_t count) {
    std::string out;
    out.reserve(count * 8);
    for (uint64_t i = 0; i < count; ++i) {
      out += ShortElement(static_cast<uint16_t>(0x0009 + 2 * (i >> 16)), static_cast<uint16_t>(i),
                          "LO", "");
    }
    return out;
  };
  EXPECT_TRUE(CheckStoredDataSetOfBytes(empties(kMaxDataSetElements), false).ok());
  EXPECT_NE(Refusal(empties(kMaxDataSetElements + 1)).find("more than"), std::string::npos);
}

}  // namespace
}  // namespace pixeldex::metadata
