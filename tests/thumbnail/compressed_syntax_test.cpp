// Every supported compressed transfer syntax gives the thumbnail of the
// uncompressed original: exactly for lossless syntaxes, within a tolerance for
// lossy ones. JPEG, JPEG-LS and RLE data are made by DCMTK's command-line
// codecs; JPEG 2000 by OpenJPEG in code (PS3.5 A.4).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "catalog/thumbnail/thumbnail_renderer.h"
#include "tests/thumbnail/thumbnail_test_support.h"

namespace pixeldex::thumbnail::testing {
namespace {

constexpr int kCompressedColumns = 300;  // larger than 256, so the thumbnail is scaled
constexpr int kCompressedRows = 200;

// A CT-like phantom: air around a body disc, a brighter insert, a gradient
// and deterministic noise; `frame` shifts the content so frames differ.
std::vector<int32_t> Phantom(int columns, int rows, int frame) {
  std::vector<int32_t> hu(static_cast<size_t>(columns) * rows);
  uint32_t noise = 12345u + frame;
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < columns; ++x) {
      noise = noise * 1103515245u + 12345u;
      const double dx = x - columns / 2.0 - frame * 20, dy = y - rows / 2.0;
      int v = -1000;
      if (dx * dx + dy * dy < 0.16 * columns * rows) v = 40 + x / 4 + static_cast<int>(noise >> 28);
      if (std::abs(dx - 30) < 15 && std::abs(dy) < 15) v = 700;
      hu[static_cast<size_t>(y) * columns + x] = v;
    }
  }
  return hu;
}

// Signed 16-bit CT with intercept -1024 and a window, frames stacked.
std::unique_ptr<DcmDataset> CtDataset(int frames, std::vector<int32_t>* stored_out = nullptr) {
  PixelSpec spec;
  spec.columns = kCompressedColumns;
  spec.rows = kCompressedRows;
  spec.bits_allocated = spec.bits_stored = 16;
  spec.high_bit = 15;
  spec.is_signed = true;
  spec.frames = frames;
  std::vector<uint32_t> samples;
  for (int f = 0; f < frames; ++f) {
    for (int32_t hu : Phantom(kCompressedColumns, kCompressedRows, f)) {
      if (stored_out) stored_out->push_back(hu + 1024);
      samples.push_back(static_cast<uint16_t>(static_cast<int16_t>(hu + 1024)));
    }
  }
  auto dataset = MakeDataset(spec, samples);
  SetRescale(*dataset, 1, -1024);
  SetWindow(*dataset, 40, 400);
  return dataset;
}

std::unique_ptr<DcmDataset> Mono8Dataset() {
  PixelSpec spec;
  spec.columns = kCompressedColumns;
  spec.rows = kCompressedRows;
  std::vector<uint32_t> samples;
  for (int32_t hu : Phantom(kCompressedColumns, kCompressedRows, 0))
    samples.push_back(std::clamp(hu / 4 + 250, 0, 255));
  return MakeDataset(spec, samples);
}

std::unique_ptr<DcmDataset> RgbDataset(std::vector<int32_t>* samples_out = nullptr) {
  PixelSpec spec;
  spec.columns = kCompressedColumns;
  spec.rows = kCompressedRows;
  spec.samples_per_pixel = 3;
  spec.photometric = "RGB";
  std::vector<uint32_t> samples;
  for (int y = 0; y < kCompressedRows; ++y) {
    for (int x = 0; x < kCompressedColumns; ++x) {
      const bool in_box = x > 100 && x < 200 && y > 50 && y < 150;
      const int rgb[3] = {x * 255 / kCompressedColumns, y * 255 / kCompressedRows,
                          in_box ? 220 : 40};
      for (int v : rgb) {
        samples.push_back(v);
        if (samples_out) samples_out->push_back(v);
      }
    }
  }
  return MakeDataset(spec, samples);
}

class CompressedSyntax : public ::testing::Test {
 protected:
  // Saves `dataset` natively, returns the path.
  std::string SaveNative(DcmDataset& dataset, const char* name) {
    const std::string path = dir_.Path(name);
    SaveFile(dataset, path, EXS_LittleEndianExplicit);
    return path;
  }
  // Runs a DCMTK codec tool on `input`, returns the output path (a new one
  // per call).
  std::string Compress(const std::string& tool_and_options, const std::string& input) {
    const std::string output = input + "." + std::to_string(++outputs_) + ".dcm";
    EXPECT_EQ(RunCommand(tool_and_options + " " + input + " " + output), 0) << tool_and_options;
    return output;
  }
  static Png RenderOk(const std::string& path) {
    ThumbnailRecord record = RenderFile(path);
    EXPECT_EQ(record.status, ThumbnailStatus::kOk) << path;
    if (record.status != ThumbnailStatus::kOk) return {};
    return DecodePng(record.png);
  }
  static E_TransferSyntax SyntaxOf(const std::string& path) {
    DcmFileFormat file;
    EXPECT_TRUE(file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 4096).good());
    return file.getDataset()->getOriginalXfer();
  }
  // `tool` compresses a CT and an RGB image into `syntax` (PS3.5 A.4), and
  // both render exactly as their originals.
  void ExpectExactForGreyAndColour(const std::string& tool, E_TransferSyntax syntax) {
    auto ct = CtDataset(1);
    const std::string ct_path = SaveNative(*ct, "ct.dcm");
    const std::string ct_compressed = Compress(tool, ct_path);
    ASSERT_EQ(SyntaxOf(ct_compressed), syntax);
    EXPECT_EQ(RenderOk(ct_compressed).pixels, RenderOk(ct_path).pixels);

    auto rgb = RgbDataset();
    const std::string rgb_path = SaveNative(*rgb, "rgb.dcm");
    const std::string rgb_compressed = Compress(tool, rgb_path);
    EXPECT_EQ(RenderOk(rgb_compressed).pixels, RenderOk(rgb_path).pixels);
  }

  TempDir dir_;
  int outputs_ = 0;
};

TEST_F(CompressedSyntax, JpegBaselineGreyIsCloseToTheOriginal) {
  auto dataset = Mono8Dataset();
  const std::string original = SaveNative(*dataset, "mono8.dcm");
  const std::string jpeg = Compress("dcmcjpeg +eb", original);
  ASSERT_EQ(SyntaxOf(jpeg), EXS_JPEGProcess1);
  Png expected = RenderOk(original);
  EXPECT_EQ(expected.width, 256);
  ExpectWithin(RenderOk(jpeg), expected, 2.0, 40);
}

TEST_F(CompressedSyntax, JpegBaselineColourIsCloseToTheOriginal) {
  // dcmcjpeg stores YBR_FULL_422; the decoder hands back RGB.
  auto dataset = RgbDataset();
  const std::string original = SaveNative(*dataset, "rgb.dcm");
  const std::string jpeg = Compress("dcmcjpeg +eb", original);
  ASSERT_EQ(SyntaxOf(jpeg), EXS_JPEGProcess1);
  ExpectWithin(RenderOk(jpeg), RenderOk(original), 3.0, 60);
}

TEST_F(CompressedSyntax, JpegLosslessSv1IsExact) {
  auto dataset = CtDataset(1);
  const std::string original = SaveNative(*dataset, "ct.dcm");
  const std::string jpeg = Compress("dcmcjpeg +e1", original);
  ASSERT_EQ(SyntaxOf(jpeg), EXS_JPEGProcess14SV1);
  EXPECT_EQ(RenderOk(jpeg).pixels, RenderOk(original).pixels);
}

TEST_F(CompressedSyntax, JpegLsLosslessIsExactForGreyAndColour) {
  ExpectExactForGreyAndColour("dcmcjpls", EXS_JPEGLSLossless);
}

TEST_F(CompressedSyntax, RleIsExactForGreyAndColour) {
  ExpectExactForGreyAndColour("dcmcrle", EXS_RLELossless);
}

TEST_F(CompressedSyntax, DeflatedAndBigEndianAreExact) {
  auto ct = CtDataset(1);
  const std::string path = SaveNative(*ct, "ct.dcm");
  const Png expected = RenderOk(path);
  const std::string deflated = Compress("dcmconv +td", path);
  ASSERT_EQ(SyntaxOf(deflated), EXS_DeflatedLittleEndianExplicit);
  EXPECT_EQ(RenderOk(deflated).pixels, expected.pixels);
  const std::string big_endian = Compress("dcmconv +tb", path);
  ASSERT_EQ(SyntaxOf(big_endian), EXS_BigEndianExplicit);
  EXPECT_EQ(RenderOk(big_endian).pixels, expected.pixels);
}

TEST_F(CompressedSyntax, MultiFrameRleAndJpegLsDecodeOnlyTheMiddleFrame) {
  auto frames = CtDataset(3);
  const std::string path = SaveNative(*frames, "ct3.dcm");
  // The reference: a single-frame image holding frame 1 of the phantom.
  std::vector<int32_t> stored;
  CtDataset(3, &stored);
  auto middle = CtDataset(1);
  std::vector<Uint16> words;
  for (size_t i = stored.size() / 3; i < 2 * stored.size() / 3; ++i) {
    words.push_back(static_cast<Uint16>(static_cast<int16_t>(stored[i])));
  }
  middle->putAndInsertUint16Array(DCM_PixelData, words.data(), words.size());
  const Png expected = RenderOk(SaveNative(*middle, "middle.dcm"));
  const Png first = RenderOk(SaveNative(*CtDataset(1), "first.dcm"));
  ASSERT_NE(expected.pixels, first.pixels);  // the frames really differ

  EXPECT_EQ(RenderOk(path).pixels, expected.pixels);
  EXPECT_EQ(RenderOk(Compress("dcmcrle", path)).pixels, expected.pixels);
  EXPECT_EQ(RenderOk(Compress("dcmcjpls", path)).pixels, expected.pixels);
}

TEST_F(CompressedSyntax, LosslessVariantsOfOneImageGiveIdenticalThumbnails) {
  std::vector<int32_t> stored;
  auto ct = CtDataset(1, &stored);
  const std::string native = SaveNative(*ct, "ct.dcm");
  DcmDataset j2k(*ct);
  PutEncapsulated(
      j2k, EXS_JPEG2000LosslessOnly,
      {EncodeJpeg2000(stored, kCompressedColumns, kCompressedRows, 1, 16, true, true, false)});
  const std::string j2k_path = dir_.Path("ct_j2k.dcm");
  SaveFile(j2k, j2k_path, EXS_JPEG2000LosslessOnly);
  const std::vector<std::pair<std::string, E_TransferSyntax>> variants = {
      {Compress("dcmconv +ti", native), EXS_LittleEndianImplicit},
      {Compress("dcmconv +tb", native), EXS_BigEndianExplicit},
      {Compress("dcmconv +td", native), EXS_DeflatedLittleEndianExplicit},
      {Compress("dcmcrle", native), EXS_RLELossless},
      {Compress("dcmcjpls", native), EXS_JPEGLSLossless},
      {Compress("dcmcjpeg +el", native), EXS_JPEGProcess14},
      {Compress("dcmcjpeg +e1", native), EXS_JPEGProcess14SV1},
      {j2k_path, EXS_JPEG2000LosslessOnly}};
  const Png expected = RenderOk(native);
  ASSERT_EQ(expected.width, 256);
  for (const auto& [path, syntax] : variants) {
    ASSERT_EQ(SyntaxOf(path), syntax) << path;
    EXPECT_EQ(RenderOk(path).pixels, expected.pixels) << path;
  }
}

// --- JPEG 2000, encoded with OpenJPEG -------------------------------------

std::string SaveJpeg2000(DcmDataset& original, E_TransferSyntax syntax,
                         const std::vector<std::vector<uint8_t>>& frames, const std::string& path,
                         const char* photometric = nullptr, int max_fragment_kbytes = 0) {
  DcmDataset copy(original);
  PutEncapsulated(copy, syntax, frames, max_fragment_kbytes);
  if (photometric) copy.putAndInsertString(DCM_PhotometricInterpretation, photometric);
  SaveFile(copy, path, syntax);
  return path;
}

// Each of the `frame_count` frames of `stored` (the signed 16-bit CT phantom)
// as its own lossless JPEG 2000 codestream.
std::vector<std::vector<uint8_t>> CtJpeg2000Frames(const std::vector<int32_t>& stored,
                                                   int frame_count) {
  const size_t frame_size = stored.size() / frame_count;
  std::vector<std::vector<uint8_t>> frames;
  for (int f = 0; f < frame_count; ++f) {
    std::vector<int32_t> frame(stored.begin() + f * frame_size,
                               stored.begin() + (f + 1) * frame_size);
    frames.push_back(
        EncodeJpeg2000(frame, kCompressedColumns, kCompressedRows, 1, 16, true, true, false));
  }
  return frames;
}

TEST_F(CompressedSyntax, Jpeg2000LosslessSignedGreyIsExact) {
  std::vector<int32_t> stored;
  auto dataset = CtDataset(1, &stored);
  const std::string original = SaveNative(*dataset, "ct.dcm");
  const std::string j2k = SaveJpeg2000(*dataset, EXS_JPEG2000LosslessOnly,
                                       CtJpeg2000Frames(stored, 1), dir_.Path("ct_j2k.dcm"));
  ASSERT_EQ(SyntaxOf(j2k), EXS_JPEG2000LosslessOnly);
  EXPECT_EQ(RenderOk(j2k).pixels, RenderOk(original).pixels);
}

TEST_F(CompressedSyntax, Jpeg2000ReversibleColourTransformIsExact) {
  std::vector<int32_t> samples;
  auto dataset = RgbDataset(&samples);
  const std::string original = SaveNative(*dataset, "rgb.dcm");
  const auto codestream =
      EncodeJpeg2000(samples, kCompressedColumns, kCompressedRows, 3, 8, false, true, true);
  const std::string j2k = SaveJpeg2000(*dataset, EXS_JPEG2000LosslessOnly, {codestream},
                                       dir_.Path("rgb_j2k.dcm"), "YBR_RCT");
  Png png = RenderOk(j2k);
  EXPECT_EQ(png.channels, 3);
  EXPECT_EQ(png.pixels, RenderOk(original).pixels);
}

TEST_F(CompressedSyntax, Jpeg2000IrreversibleIsCloseToTheOriginal) {
  std::vector<int32_t> samples;
  auto dataset = RgbDataset(&samples);
  const std::string original = SaveNative(*dataset, "rgb.dcm");
  const auto codestream =
      EncodeJpeg2000(samples, kCompressedColumns, kCompressedRows, 3, 8, false, false, true);
  const std::string j2k = SaveJpeg2000(*dataset, EXS_JPEG2000, {codestream},
                                       dir_.Path("rgb_j2k_lossy.dcm"), "YBR_ICT");
  ExpectWithin(RenderOk(j2k), RenderOk(original), 3.0, 60);
}

TEST_F(CompressedSyntax, Jpeg2000MultiFrameUsesTheMiddleFrameWithOrWithoutOffsetTable) {
  std::vector<int32_t> stored;
  auto dataset = CtDataset(3, &stored);
  const std::string original = SaveNative(*dataset, "ct3.dcm");
  const auto frames = CtJpeg2000Frames(stored, 3);
  const Png expected = RenderOk(original);
  // One fragment per frame, empty offset table.
  EXPECT_EQ(RenderOk(SaveJpeg2000(*dataset, EXS_JPEG2000LosslessOnly, frames,
                                  dir_.Path("j2k_frames.dcm")))
                .pixels,
            expected.pixels);
  // 1 KiB fragments located through the Basic Offset Table.
  ASSERT_GT(frames[1].size(), 3000u);
  EXPECT_EQ(RenderOk(SaveJpeg2000(*dataset, EXS_JPEG2000LosslessOnly, frames,
                                  dir_.Path("j2k_fragments.dcm"), nullptr, 1))
                .pixels,
            expected.pixels);
}

TEST_F(CompressedSyntax, HtJ2kTransferSyntaxUnknownToDcmtkIsDecodedByOpenJpeg) {
  // DCMTK 3.6.7 does not know the HTJ2K UIDs and reads such files as explicit
  // little endian with a pixel sequence; the codestream is recognised by its
  // SOC marker. (A Part 1 codestream is valid HTJ2K Lossless content; OpenJPEG
  // cannot encode HT blocks, so this does not exercise the HT block decoder.)
  std::vector<int32_t> stored;
  auto dataset = CtDataset(1, &stored);
  const std::string original = SaveNative(*dataset, "ct.dcm");
  const std::string j2k = SaveJpeg2000(*dataset, EXS_JPEG2000LosslessOnly,
                                       CtJpeg2000Frames(stored, 1), dir_.Path("ct_j2k.dcm"));
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(j2k.c_str()).good());
  file.getMetaInfo()->putAndInsertString(DCM_TransferSyntaxUID, "1.2.840.10008.1.2.4.201");
  const std::string htj2k = dir_.Path("ct_htj2k.dcm");
  ASSERT_TRUE(file.saveFile(htj2k.c_str(), EXS_JPEG2000LosslessOnly, EET_ExplicitLength,
                            EGL_recalcGL, EPD_noChange, 0, 0, EWM_dontUpdateMeta)
                  .good());
  EXPECT_EQ(RenderOk(htj2k).pixels, RenderOk(original).pixels);
}

TEST_F(CompressedSyntax, ConcurrentDecodingOfCompressedFilesIsConsistent) {
  std::vector<int32_t> stored;
  auto ct = CtDataset(3, &stored);
  const std::string native = SaveNative(*ct, "ct3.dcm");
  const auto frames = CtJpeg2000Frames(stored, 3);
  const std::vector<std::string> paths = {
      Compress("dcmcjpls", native), Compress("dcmcrle", native), Compress("dcmcjpeg +e1", native),
      SaveJpeg2000(*ct, EXS_JPEG2000LosslessOnly, frames, dir_.Path("ct3_j2k.dcm"))};
  const std::vector<uint8_t> expected = RenderOk(native).pixels;
  std::vector<int> mismatches(paths.size(), 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < paths.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 4; ++round) {
        ThumbnailRecord record = RenderFile(paths[i]);
        if (record.status != ThumbnailStatus::kOk || DecodePng(record.png).pixels != expected) ++mismatches[i];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < paths.size(); ++i) EXPECT_EQ(mismatches[i], 0) << paths[i];
}

TEST_F(CompressedSyntax, TruncatedCodestreamsAreDecodeErrors) {
  std::vector<int32_t> stored;
  auto dataset = CtDataset(1, &stored);
  auto codestreams = CtJpeg2000Frames(stored, 1);
  codestreams[0].resize(codestreams[0].size() / 2);
  const std::string j2k = SaveJpeg2000(*dataset, EXS_JPEG2000LosslessOnly, codestreams,
                                       dir_.Path("truncated_j2k.dcm"));
  ThumbnailRecord record = RenderFile(j2k);
  EXPECT_EQ(record.status, ThumbnailStatus::kDecodeError) << record.reason;

  // A JPEG-LS codestream cut in half.
  const std::string jls = Compress("dcmcjpls", SaveNative(*dataset, "ct.dcm"));
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(jls.c_str()).good());
  DcmDataset* loaded = file.getDataset();
  DcmElement* element = nullptr;
  ASSERT_TRUE(loaded->findAndGetElement(DCM_PixelData, element).good());
  auto* pixel_data = dynamic_cast<DcmPixelData*>(element);
  ASSERT_NE(pixel_data, nullptr);
  DcmPixelSequence* sequence = nullptr;
  ASSERT_TRUE(pixel_data->getEncapsulatedRepresentation(EXS_JPEGLSLossless, nullptr, sequence)
                  .good());
  DcmPixelItem* fragment = nullptr;
  ASSERT_TRUE(sequence->getItem(fragment, 1).good());
  Uint8* bytes = nullptr;
  fragment->getUint8Array(bytes);
  std::vector<uint8_t> half(bytes, bytes + fragment->getLength() / 2);
  auto cut = MakeHeader(PixelSpec{kCompressedRows, kCompressedColumns, 16, 16, 15, true});
  PutEncapsulated(*cut, EXS_JPEGLSLossless, {half});
  record = RenderThumbnail(*cut, EXS_JPEGLSLossless, {});
  EXPECT_EQ(record.status, ThumbnailStatus::kDecodeError) << record.reason;
}

}  // namespace
}  // namespace pixeldex::thumbnail::testing
