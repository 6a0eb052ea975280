// Writes the fuzzer's seed corpus into the directory given: generated
// instances in each transfer syntax the target knows (compressed with DCMTK's
// command-line encoders: JPEG baseline, progressive, extended 12-bit,
// lossless and SV1, JPEG-LS lossless and near-lossless, RLE, in grey and
// colour and with two frames; JPEG 2000 with OpenJPEG), C-FIND identifiers,
// and nested sequences. Each seed is one syntax byte (dataset_fuzzer.cpp's
// table) followed by a data set.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/codecs/compressed_pixels.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/process.h"

namespace {

namespace fs = std::filesystem;
using pixeldex::testing::TestInstance;

// Selector bytes of dataset_fuzzer.cpp: indexes into its kSyntaxes, and
// from 0x80 on into its kCodecVariants.
enum Syntax : unsigned char { kExplicit = 0, kImplicit = 1, kJpegBaseline = 2, kJpegLosslessSv1 = 3,
                              kJpegLs = 4, kRle = 5, kJpeg2000Lossless = 6, kBigEndian = 8,
                              kDeflated = 9, kJpegExtended = 0x80, kJpegLossless = 0x81,
                              kJpegLsNear = 0x82 };

void WriteSeed(const fs::path& dir, const std::string& name, Syntax syntax, const std::string& part10) {
  std::ofstream(dir / name, std::ios::binary)
      << static_cast<char>(syntax) << pixeldex::testing::DatasetBytes(part10);
}

// A C-FIND identifier as a Part-10 file (Explicit VR Little Endian).
std::string WriteIdentifier(const fs::path& path, const char* level, bool with_sequence) {
  DcmFileFormat file;
  DcmDataset* ds = file.getDataset();
  ds->putAndInsertString(DCM_QueryRetrieveLevel, level);
  ds->putAndInsertString(DCM_PatientName, "DOE*");
  ds->putAndInsertString(DCM_StudyDate, "20200101-20261231");
  ds->putAndInsertString(DCM_StudyTime, "1030-");
  ds->putAndInsertString(DCM_StudyInstanceUID, "");
  ds->putAndInsertString(DCM_ModalitiesInStudy, "CT\\MR");
  ds->putAndInsertString(DCM_NumberOfStudyRelatedInstances, "");
  ds->putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 100");
  if (with_sequence) {
    DcmItem* item = nullptr;
    ds->findOrCreateSequenceItem(DCM_ReferencedStudySequence, item, -2);
    if (item != nullptr) item->putAndInsertString(DCM_ReferencedSOPClassUID, "1.2.840.10008.3.1.2.3.1");
  }
  if (file.saveFile(path.c_str(), EXS_LittleEndianExplicit).bad()) {
    throw std::runtime_error("cannot write " + path.string());
  }
  return path.string();
}

// `source` rewritten by `change` into `path` (Explicit VR Little Endian).
template <typename Change>
std::string Rewrite(const std::string& source, const fs::path& path, Change change) {
  DcmFileFormat file;
  if (file.loadFile(source.c_str()).bad()) throw std::runtime_error("cannot read " + source);
  change(*file.getDataset());
  if (file.saveFile(path.c_str(), EXS_LittleEndianExplicit).bad()) {
    throw std::runtime_error("cannot write " + path.string());
  }
  return path.string();
}

// 16x16 RGB, 8 bits, colour-by-pixel (PS3.3 C.7.6.3.1.3 Planar Configuration 0).
void MakeRgb(DcmDataset& ds) {
  std::vector<Uint8> rgb;
  for (int i = 0; i < 16 * 16; ++i) {
    rgb.insert(rgb.end(), {Uint8(i), Uint8(255 - i), Uint8(i * 7)});
  }
  ds.putAndInsertUint16(DCM_Rows, 16);
  ds.putAndInsertUint16(DCM_Columns, 16);
  ds.putAndInsertUint16(DCM_SamplesPerPixel, 3);
  ds.putAndInsertString(DCM_PhotometricInterpretation, "RGB");
  ds.putAndInsertUint16(DCM_PlanarConfiguration, 0);
  ds.putAndInsertUint16(DCM_BitsAllocated, 8);
  ds.putAndInsertUint16(DCM_BitsStored, 8);
  ds.putAndInsertUint16(DCM_HighBit, 7);
  ds.putAndInsertUint16(DCM_PixelRepresentation, 0);
  ds.putAndInsertUint8Array(DCM_PixelData, rgb.data(), rgb.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_seeds DIR\n");
    return 2;
  }
  const fs::path dir = argv[1];
  fs::create_directories(dir);
  const fs::path work = dir / ".work";
  fs::create_directories(work);

  TestInstance grey;
  const std::string explicit16 = (work / "grey16.dcm").string();
  pixeldex::testing::WriteTestInstance(explicit16, grey, EXS_LittleEndianExplicit);
  WriteSeed(dir, "grey16_explicit", kExplicit, explicit16);
  TestInstance grey8 = grey;
  grey8.bits_allocated = 8;
  grey8.specific_character_set = "ISO_IR 100";
  const std::string implicit8 = (work / "grey8.dcm").string();
  pixeldex::testing::WriteTestInstance(implicit8, grey8, EXS_LittleEndianImplicit);
  WriteSeed(dir, "grey8_implicit", kImplicit, implicit8);
  const std::string big_endian = (work / "grey16_be.dcm").string();
  pixeldex::testing::WriteTestInstance(big_endian, grey, EXS_BigEndianExplicit);
  WriteSeed(dir, "grey16_big_endian", kBigEndian, big_endian);
  const std::string deflated = (work / "grey8_deflated.dcm").string();
  pixeldex::testing::WriteTestInstance(deflated, grey8, EXS_DeflatedLittleEndianExplicit);
  WriteSeed(dir, "grey8_deflated", kDeflated, deflated);

  // Sources for the codecs besides those two: 12 bits stored (JPEG extended,
  // ITU-T T.81 Annex G.1.1.1: 8 or 12 bits), RGB, and two frames.
  const std::string grey12 = Rewrite(explicit16, work / "grey12.dcm", [](DcmDataset& ds) {
    ds.putAndInsertUint16(DCM_BitsStored, 12);
    ds.putAndInsertUint16(DCM_HighBit, 11);
  });
  const std::string rgb = Rewrite(explicit16, work / "rgb.dcm", MakeRgb);
  TestInstance two_frames = grey8;
  two_frames.number_of_frames = 2;
  const std::string frames8 = (work / "frames8.dcm").string();
  pixeldex::testing::WriteTestInstance(frames8, two_frames, EXS_LittleEndianExplicit);

  const struct {
    const char* tool; const char* option; Syntax syntax; const char* name; const std::string& source;
  } codecs[] = {
      {"dcmcjpeg", "+eb", kJpegBaseline, "jpeg_baseline", implicit8},
      {"dcmcjpeg", "+e1", kJpegLosslessSv1, "jpeg_lossless", explicit16},
      {"dcmcjpls", "+el", kJpegLs, "jpegls", explicit16},
      {"dcmcrle", "+ff", kRle, "rle", explicit16},
      {"dcmcjpeg", "+ee", kJpegExtended, "jpeg_extended_12", grey12},
      {"dcmcjpeg", "+el", kJpegLossless, "jpeg_lossless_57", explicit16},
      {"dcmcjpeg", "+eb", kJpegBaseline, "jpeg_baseline_ybr", rgb},
      {"dcmcjpeg", "+e1", kJpegLosslessSv1, "jpeg_lossless_rgb", rgb},
      {"dcmcjpeg", "+eb", kJpegBaseline, "jpeg_baseline_2_frames", frames8},
      // Progressive (T.81 G.1), in a baseline data set: IJG decodes by the SOFn marker.
      {"dcmcjpeg", "+ep", kJpegBaseline, "jpeg_progressive", implicit8},
      {"dcmcjpls", "+en", kJpegLsNear, "jpegls_near", implicit8},
      {"dcmcjpls", "+en", kJpegLsNear, "jpegls_near_12", grey12},
      {"dcmcjpls", "+el", kJpegLs, "jpegls_rgb", rgb},
      {"dcmcjpls", "+el", kJpegLs, "jpegls_2_frames", frames8},
  };
  for (const auto& c : codecs) {
    const std::string out = (work / (std::string(c.name) + ".dcm")).string();
    auto r = pixeldex::testing::RunProcess({c.tool, c.option, c.source, out});
    if (r.exit_code != 0) {
      std::fprintf(stderr, "%s failed: %s\n", c.tool, r.output.c_str());
      return 1;
    }
    WriteSeed(dir, c.name, c.syntax, out);
  }
  // 512x512 JPEG 2000 (a smooth 8-bit gradient: a few kB), large enough that
  // the thumbnail decodes it one resolution level down.
  TestInstance wide = grey;
  wide.rows = wide.columns = 512;
  wide.bits_allocated = 8;
  wide.pixel_step = 0;
  const std::string j2k_source = (work / "wide.dcm").string();
  pixeldex::testing::WriteTestInstance(j2k_source, wide, EXS_LittleEndianExplicit);
  DcmFileFormat j2k;
  std::vector<int32_t> gradient;
  for (int r = 0; r < 512; ++r) {
    for (int c = 0; c < 512; ++c) gradient.push_back((r + c) / 4);
  }
  if (j2k.loadFile(j2k_source.c_str()).bad()) return 1;
  pixeldex::thumbnail::testing::PutEncapsulated(
      *j2k.getDataset(), EXS_JPEG2000LosslessOnly,
      {pixeldex::thumbnail::testing::EncodeJpeg2000(gradient, 512, 512, 1, 8, false, true, false)});
  const std::string j2k_path = (work / "wide_j2k.dcm").string();
  if (j2k.saveFile(j2k_path.c_str(), EXS_JPEG2000LosslessOnly).bad()) return 1;
  WriteSeed(dir, "jpeg2000_512", kJpeg2000Lossless, j2k_path);

  WriteSeed(dir, "find_study", kExplicit, WriteIdentifier(work / "find_study.dcm", "STUDY", false));
  WriteSeed(dir, "find_image_sq", kExplicit, WriteIdentifier(work / "find_image.dcm", "IMAGE", true));
  // Nesting the guard lets through, and nesting it refuses.
  for (int depth : {8, 5000}) {
    std::ofstream(dir / ("nested_" + std::to_string(depth)), std::ios::binary)
        << kExplicit << pixeldex::testing::DatasetBytes(explicit16)
        << pixeldex::testing::NestedSequenceBytes(depth);
  }
  fs::remove_all(work);
  std::printf("seeds written to %s\n", dir.c_str());
  return 0;
}
