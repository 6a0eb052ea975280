// The sequence nesting guard: counts nesting like DCMTK's parser would see it,
// in every uncompressed transfer syntax, with defined and undefined lengths.

#include <gtest/gtest.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <zlib.h>

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

}  // namespace
}  // namespace pixeldex::metadata
