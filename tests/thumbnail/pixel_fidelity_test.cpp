// Images real archives hold that a renderer easily gets wrong: 1-bit
// segmentations (PS3.5 8.1.1 bit packing), 32-bit samples in Explicit VR Big
// Endian, JPEG 2000 whose codestream disagrees with Pixel Representation, and
// fragments whose bytes look like a sequence delimiter. Data built in code.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "catalog/thumbnail/thumbnail_renderer.h"
#include "tests/thumbnail/thumbnail_test_support.h"

namespace pixeldex::thumbnail::testing {
namespace {

Png RenderOk(const std::string& path) {
  ThumbnailRecord record = RenderFile(path);
  EXPECT_EQ(record.status, ThumbnailStatus::kOk) << path;
  if (record.status != ThumbnailStatus::kOk) return {};
  return DecodePng(record.png);
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// --- 1 bit allocated ----------------------------------------------------------

constexpr int kBitColumns = 10;  // 70 pixels per frame: frames are not byte aligned
constexpr int kBitRows = 7;

bool BitSet(int frame, int x, int y) { return (x + 2 * y + frame) % 3 == 0; }

// PS3.5 8.1.1: pixel n of the stream is bit n % 8 of byte n / 8, frames follow
// one another without padding.
std::vector<Uint8> PackBits(int frames) {
  const int pixels = kBitColumns * kBitRows;
  std::vector<Uint8> bytes((frames * pixels + 7) / 8, 0);
  for (int f = 0; f < frames; ++f) {
    for (int y = 0; y < kBitRows; ++y) {
      for (int x = 0; x < kBitColumns; ++x) {
        if (!BitSet(f, x, y)) continue;
        const int n = f * pixels + y * kBitColumns + x;
        bytes[n / 8] |= static_cast<Uint8>(1u << (n % 8));
      }
    }
  }
  return bytes;
}

// Three frames: the middle one starts at bit 70, inside byte 8.
PixelSpec OneBitSpec() {
  PixelSpec spec;
  spec.columns = kBitColumns;
  spec.rows = kBitRows;
  spec.bits_allocated = spec.bits_stored = 1;
  spec.high_bit = 0;
  spec.frames = 3;
  return spec;
}

TEST(PixelFidelity, OneBitFramesAreUnpackedBitByBit) {
  auto dataset = MakeHeader(OneBitSpec());
  const std::vector<Uint8> bits = PackBits(3);
  dataset->putAndInsertUint8Array(DCM_PixelData, bits.data(), bits.size());
  TempDir dir;
  for (E_TransferSyntax syntax : {EXS_LittleEndianExplicit, EXS_LittleEndianImplicit,
                                  EXS_BigEndianExplicit, EXS_DeflatedLittleEndianExplicit}) {
    const std::string path = dir.Path("seg" + std::to_string(syntax) + ".dcm");
    SaveFile(*dataset, path, syntax);
    const Png png = RenderOk(path);
    ASSERT_EQ(png.width, kBitColumns) << syntax;
    ASSERT_EQ(png.height, kBitRows);
    for (int y = 0; y < kBitRows; ++y) {
      for (int x = 0; x < kBitColumns; ++x) {
        EXPECT_EQ(png.At(x, y), BitSet(1, x, y) ? 255 : 0) << syntax << " at " << x << "," << y;
      }
    }
  }
}

TEST(PixelFidelity, TruncatedOneBitDataIsADecodeError) {
  auto dataset = MakeHeader(OneBitSpec());
  std::vector<Uint8> bits = PackBits(3);
  bits.resize(14);  // the middle frame ends in byte 17
  dataset->putAndInsertUint8Array(DCM_PixelData, bits.data(), bits.size());
  EXPECT_EQ(RenderViaFile(*dataset).status, ThumbnailStatus::kDecodeError);
}

// --- 32 bits allocated, Big Endian ------------------------------------------

TEST(PixelFidelity, ThirtyTwoBitBigEndianEqualsLittleEndian) {
  PixelSpec spec;
  spec.columns = 40;
  spec.rows = 30;
  spec.bits_allocated = spec.bits_stored = 32;
  spec.high_bit = 31;
  std::vector<uint32_t> samples;
  for (int y = 0; y < spec.rows; ++y) {
    for (int x = 0; x < spec.columns; ++x) samples.push_back(0x00012345u * (x + 1) + 0x01000000u * y);
  }
  auto little = MakeDataset(spec, samples);
  TempDir dir;
  const std::string le_path = dir.Path("le.dcm");
  SaveFile(*little, le_path, EXS_LittleEndianExplicit);

  // PS3.5 7.3: in Big Endian a 32-bit sample is written most significant byte
  // first. The words are handed to DCMTK high word first, so that its 16-bit
  // OW byte swap writes exactly that.
  std::vector<Uint16> words;
  for (uint32_t sample : samples) {
    words.push_back(static_cast<Uint16>(sample >> 16));
    words.push_back(static_cast<Uint16>(sample & 0xFFFF));
  }
  auto big = MakeHeader(spec);
  big->putAndInsertUint16Array(DCM_PixelData, words.data(), words.size());
  const std::string be_path = dir.Path("be.dcm");
  SaveFile(*big, be_path, EXS_BigEndianExplicit);
  const uint32_t last = samples.back();
  const std::string last_be = {static_cast<char>(last >> 24), static_cast<char>(last >> 16),
                               static_cast<char>(last >> 8), static_cast<char>(last)};
  const std::string file = ReadBytes(be_path);
  ASSERT_EQ(file.substr(file.size() - 4), last_be);  // the file really holds big endian samples

  const Png expected = RenderOk(le_path);
  ASSERT_NE(expected.At(0, 0), expected.At(39, 29));
  EXPECT_EQ(RenderOk(be_path).pixels, expected.pixels);
}

// --- JPEG 2000 ----------------------------------------------------------------

constexpr int kCtColumns = 64;
constexpr int kCtRows = 48;

// Signed CT values, stored as they are (no intercept): air is -1000.
std::vector<int32_t> AirAndBody() {
  std::vector<int32_t> hu;
  for (int y = 0; y < kCtRows; ++y) {
    for (int x = 0; x < kCtColumns; ++x) {
      const int dx = x - kCtColumns / 2, dy = y - kCtRows / 2;
      hu.push_back(dx * dx + dy * dy < 300 ? 40 + x : -1000);
    }
  }
  return hu;
}

std::unique_ptr<DcmDataset> SignedCt(const std::vector<int32_t>& hu) {
  PixelSpec spec;
  spec.columns = kCtColumns;
  spec.rows = kCtRows;
  spec.bits_allocated = spec.bits_stored = 16;
  spec.high_bit = 15;
  spec.is_signed = true;
  std::vector<uint32_t> samples;
  for (int32_t v : hu) samples.push_back(static_cast<uint16_t>(static_cast<int16_t>(v)));
  auto dataset = MakeDataset(spec, samples);
  SetWindow(*dataset, 40, 400);
  return dataset;
}

std::string SaveJpeg2000(DcmDataset& original, const std::vector<uint8_t>& codestream,
                         const std::string& path) {
  DcmDataset copy(original);
  PutEncapsulated(copy, EXS_JPEG2000LosslessOnly, {codestream});
  SaveFile(copy, path, EXS_JPEG2000LosslessOnly);
  return path;
}

TEST(PixelFidelity, Jpeg2000SignFollowsPixelRepresentationNotTheCodestream) {
  const std::vector<int32_t> hu = AirAndBody();
  auto dataset = SignedCt(hu);
  TempDir dir;
  const std::string native = dir.Path("ct.dcm");
  SaveFile(*dataset, native, EXS_LittleEndianExplicit);
  // The codestream says unsigned 16-bit: the same bits, read as 64536 for air.
  std::vector<int32_t> unsigned_bits;
  for (int32_t v : hu) unsigned_bits.push_back(static_cast<uint16_t>(static_cast<int16_t>(v)));
  const std::string j2k = SaveJpeg2000(
      *dataset, EncodeJpeg2000(unsigned_bits, kCtColumns, kCtRows, 1, 16, false, true, false),
      dir.Path("ct_unsigned_j2k.dcm"));
  const Png png = RenderOk(j2k);
  ASSERT_EQ(png.width, kCtColumns);
  EXPECT_EQ(png.At(0, 0), 0);  // air is dark
  EXPECT_EQ(png.pixels, RenderOk(native).pixels);
}

// Inserts a comment marker segment (COM, ISO/IEC 15444-1 A.9.2) holding
// `payload` right after the SIZ segment of `codestream`.
std::vector<uint8_t> WithComment(std::vector<uint8_t> codestream, const std::vector<uint8_t>& payload) {
  const size_t siz_length = (codestream[4] << 8) | codestream[5];  // Lsiz, after SOC and SIZ
  const size_t at = 4 + siz_length;  // SOC (2) + SIZ marker (2) + its segment
  std::vector<uint8_t> segment(6 + payload.size());
  segment[0] = 0xFF;  // COM; Lcom below; Rcom 0: binary
  segment[1] = 0x64;
  std::copy(payload.begin(), payload.end(), segment.begin() + 6);
  const size_t length = segment.size() - 2;
  segment[2] = static_cast<uint8_t>(length >> 8);
  segment[3] = static_cast<uint8_t>(length);
  codestream.insert(codestream.begin() + static_cast<std::ptrdiff_t>(at), segment.begin(),
                    segment.end());
  return codestream;
}

TEST(PixelFidelity, FragmentsHoldingDelimiterBytesAreReadByTheirLengths) {
  // PS3.5 A.4: fragments are delimited by their item lengths; bytes inside one
  // that spell (FFFE,E0DD) or (FFFE,E000) are data. Three frames, each
  // codestream carrying those bytes in a comment, stored as one fragment per
  // frame, and as 1 KiB fragments (values beyond the 4 KiB that are read
  // lazily) located through the Basic Offset Table.
  const std::vector<uint8_t> delimiters = {0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0,
                                           0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0};
  PixelSpec spec;
  spec.columns = 160;
  spec.rows = 120;
  spec.bits_allocated = spec.bits_stored = 16;
  spec.high_bit = 15;
  spec.frames = 3;
  std::vector<uint32_t> samples;
  std::vector<std::vector<uint8_t>> codestreams;
  uint32_t noise = 7;
  for (int f = 0; f < spec.frames; ++f) {
    std::vector<int32_t> frame;
    for (int i = 0; i < spec.columns * spec.rows; ++i) {
      noise = noise * 1103515245u + 12345u;
      frame.push_back(static_cast<int32_t>((noise >> 20) + 1000 * f + (i % spec.columns) * 8));
      samples.push_back(static_cast<uint32_t>(frame.back()));
    }
    codestreams.push_back(WithComment(
        EncodeJpeg2000(frame, spec.columns, spec.rows, 1, 16, false, true, false), delimiters));
  }
  auto dataset = MakeDataset(spec, samples);
  TempDir dir;
  const std::string native = dir.Path("native.dcm");
  SaveFile(*dataset, native, EXS_LittleEndianExplicit);
  const Png expected = RenderOk(native);
  const std::string needle(delimiters.begin(), delimiters.end());
  for (int fragment_kbytes : {0, 1}) {
    DcmDataset copy(*dataset);
    PutEncapsulated(copy, EXS_JPEG2000LosslessOnly, codestreams, fragment_kbytes);
    const std::string path = dir.Path("j2k" + std::to_string(fragment_kbytes) + ".dcm");
    SaveFile(copy, path, EXS_JPEG2000LosslessOnly);
    ASSERT_NE(ReadBytes(path).find(needle), std::string::npos);
    EXPECT_EQ(RenderOk(path).pixels, expected.pixels) << fragment_kbytes;
  }
}

}  // namespace
}  // namespace pixeldex::thumbnail::testing
