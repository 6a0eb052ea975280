// ReadFrame's contract for frames DCMTK decodes: an 8-bit JPEG stream in a
// data set of 16 bits allocated gives its samples in 16-bit containers, with
// nothing of what the heap held before; for native
// frames: one already in memory is read in place, with the samples a copy
// from the file gives.

#include "catalog/thumbnail/frame_reader.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "catalog/thumbnail/display_image.h"
#include "catalog/thumbnail/frame_renderer.h"
#include "catalog/thumbnail/in_memory_input_stream.h"
#include "tests/thumbnail/thumbnail_test_support.h"

namespace pixeldex::thumbnail::testing {
namespace {

// Fills freed heap blocks of `size` bytes with 0xAB, so that a buffer the
// next allocation of that size returns starts dirty, as in a busy server.
void DirtyTheHeap(size_t size) {
  for (int i = 0; i < 8; ++i) {
    auto block = std::make_unique<uint8_t[]>(size);
    std::memset(block.get(), 0xAB, size);
    asm volatile("" : : "r"(block.get()) : "memory");  // keep the writes
  }
}

// An 8-bit frame of `syntax_option` (dcmcjpeg's) in a data set that says 16
// bits allocated, against the same stream in its own 8-bit data set.
void ExpectAnEightBitStreamInSixteenBitsGivesItsSamples(const char* syntax_option) {
  // Found running mutated frame headers under valgrind: DCMTK 3.6.7
  // decodes a JPEG stream of 8-bit precision in a data set of 16 bits
  // allocated into the first half of the frame buffer and reports success;
  // the second half was rendered from uninitialised memory, the first read
  // as pairs of samples.
  PixelSpec spec;
  spec.rows = spec.columns = 64;
  std::vector<uint32_t> samples(64 * 64);
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = 1 + i % 255;
  auto native = MakeDataset(spec, samples);
  TempDir dir;
  SaveFile(*native, dir.Path("grey8.dcm"), EXS_LittleEndianExplicit);
  ASSERT_EQ(RunCommand(std::string("dcmcjpeg ") + syntax_option + " " + dir.Path("grey8.dcm") +
                       " " + dir.Path("jpeg.dcm")),
            0);
  DcmFileFormat as_written, sixteen;
  ASSERT_TRUE(as_written.loadFile(dir.Path("jpeg.dcm").c_str()).good());
  ASSERT_TRUE(sixteen.loadFile(dir.Path("jpeg.dcm").c_str()).good());
  DcmDataset& dataset = *sixteen.getDataset();
  ASSERT_TRUE(dataset.putAndInsertUint16(DCM_BitsAllocated, 16).good());  // the stream says 8
  Result<FrameLayout> layout = ReadFrameLayout(dataset);
  Result<FrameLayout> eight_bit_layout = ReadFrameLayout(*as_written.getDataset());
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  ASSERT_TRUE(eight_bit_layout.ok()) << eight_bit_layout.status().ToString();
  EnsureDcmtkDecodersRegistered();

  DirtyTheHeap(layout->FrameBytes() + 2);
  Result<RawFrame> frame = ReadFrame(dataset, SyntaxKind::kDcmtkCodec, *layout, 0);
  Result<RawFrame> expected =
      ReadFrame(*as_written.getDataset(), SyntaxKind::kDcmtkCodec, *eight_bit_layout, 0);
  ASSERT_TRUE(frame.ok()) << frame.status().ToString();
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  EXPECT_EQ(frame->layout.bits_allocated, 16);  // as the data set says
  ASSERT_EQ(frame->bytes.size(), 64u * 64 * 2);
  ASSERT_EQ(expected->bytes.size(), 64u * 64);
  std::vector<uint16_t> widened(64 * 64);
  std::memcpy(widened.data(), frame->bytes.data(), frame->bytes.size());
  EXPECT_TRUE(std::equal(widened.begin(), widened.end(), expected->bytes.begin()));
  if (std::string(syntax_option) == "+e1") {  // lossless: the samples themselves
    EXPECT_TRUE(std::equal(widened.begin(), widened.end(), samples.begin()));
  }

  RenderOptions fit;
  fit.fit = {32, 32};
  Result<DisplayImage> rendered = RenderDisplayFrame(dataset, dataset.getOriginalXfer(), fit);
  Result<DisplayImage> rendered_as_written =
      RenderDisplayFrame(*as_written.getDataset(), dataset.getOriginalXfer(), fit);
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  ASSERT_TRUE(rendered_as_written.ok()) << rendered_as_written.status().ToString();
  EXPECT_EQ(rendered->pixels, rendered_as_written->pixels);
}

TEST(FrameReader, AnEightBitLosslessStreamInSixteenBitsGivesItsSamples) {
  ExpectAnEightBitStreamInSixteenBitsGivesItsSamples("+e1");
}

TEST(FrameReader, AnEightBitBaselineStreamInSixteenBitsGivesItsSamples) {
  ExpectAnEightBitStreamInSixteenBitsGivesItsSamples("+eb");
}

TEST(FrameReader, AWholeDecodeOfEightBitStreamsInSixteenBitsGivesEightBitPixelData) {
  // What a transfer syntax conversion does (outgoing_syntax.cpp): DCMTK
  // decodes every frame of the data set at once, and there it matches the
  // data set to the streams: Bits Allocated 8 and 8-bit samples, frame by
  // frame. Only ReadFrame's one-frame decode needs widening.
  PixelSpec spec;
  spec.rows = spec.columns = 16;
  spec.frames = 2;
  std::vector<uint32_t> samples(16 * 16 * 2);
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = (i * 7 + i / 256 * 100) % 256;
  auto native = MakeDataset(spec, samples);
  TempDir dir;
  SaveFile(*native, dir.Path("frames8.dcm"), EXS_LittleEndianExplicit);
  ASSERT_EQ(RunCommand("dcmcjpeg +e1 " + dir.Path("frames8.dcm") + " " + dir.Path("sv1.dcm")), 0);
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(dir.Path("sv1.dcm").c_str()).good());
  DcmDataset& dataset = *file.getDataset();
  ASSERT_TRUE(dataset.putAndInsertUint16(DCM_BitsAllocated, 16).good());  // the streams say 8
  EnsureDcmtkDecodersRegistered();
  ASSERT_TRUE(CheckDcmtkDecodable(dataset).ok());

  ASSERT_TRUE(dataset.chooseRepresentation(EXS_LittleEndianExplicit, nullptr).good());
  Uint16 bits_allocated = 0;
  ASSERT_TRUE(dataset.findAndGetUint16(DCM_BitsAllocated, bits_allocated).good());
  EXPECT_EQ(bits_allocated, 8);
  DcmElement* pixel_data = nullptr;
  Uint8* decoded = nullptr;
  ASSERT_TRUE(dataset.findAndGetElement(DCM_PixelData, pixel_data).good());
  ASSERT_TRUE(pixel_data->getUint8Array(decoded).good());
  ASSERT_EQ(pixel_data->getLength(), samples.size());
  EXPECT_TRUE(std::equal(decoded, decoded + samples.size(), samples.begin()));
}

// DcmDataset::chooseRepresentation decodes every Pixel Data element of a
// data set, an Icon Image Sequence's too (PS3.3 F.7), each with the pixel
// attributes of the item holding it. A nested stream that declares more
// than its item's frame (here 16x16 in an icon item that says 8x8; the
// fuzzer's was a progressive stream whose header asked IJG for ~1 GB) is
// refused before a whole decode, as a top-level one is.
TEST(FrameReader, NestedPixelDataIsCheckedBeforeAWholeDecode) {
  PixelSpec spec;
  spec.rows = spec.columns = 16;
  std::vector<uint32_t> samples(16 * 16);
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = (i * 7) % 256;
  auto native = MakeDataset(spec, samples);
  TempDir dir;
  SaveFile(*native, dir.Path("native.dcm"), EXS_LittleEndianExplicit);
  ASSERT_EQ(RunCommand("dcmcjpeg +e1 " + dir.Path("native.dcm") + " " + dir.Path("sv1.dcm")), 0);
  DcmFileFormat file, icon_source;
  ASSERT_TRUE(file.loadFile(dir.Path("sv1.dcm").c_str()).good());
  ASSERT_TRUE(icon_source.loadFile(dir.Path("sv1.dcm").c_str()).good());
  DcmDataset& dataset = *file.getDataset();
  EnsureDcmtkDecodersRegistered();
  ASSERT_TRUE(CheckDcmtkDecodable(dataset).ok());

  auto icon = std::make_unique<DcmItem>();
  ASSERT_TRUE(icon->putAndInsertUint16(DCM_SamplesPerPixel, 1).good());
  ASSERT_TRUE(icon->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2").good());
  ASSERT_TRUE(icon->putAndInsertUint16(DCM_Rows, 8).good());
  ASSERT_TRUE(icon->putAndInsertUint16(DCM_Columns, 8).good());
  ASSERT_TRUE(icon->putAndInsertUint16(DCM_BitsAllocated, 8).good());
  ASSERT_TRUE(icon->putAndInsertUint16(DCM_BitsStored, 8).good());
  ASSERT_TRUE(icon->putAndInsertUint16(DCM_HighBit, 7).good());
  ASSERT_TRUE(icon->putAndInsertUint16(DCM_PixelRepresentation, 0).good());
  ASSERT_TRUE(icon->insert(icon_source.getDataset()->remove(DCM_PixelData)).good());
  ASSERT_TRUE(dataset.insertSequenceItem(DCM_IconImageSequence, icon.release()).good());

  const Status checked = CheckDcmtkDecodable(dataset);
  EXPECT_EQ(checked.code(), Status::Code::kCorruption) << checked.ToString();
  EXPECT_NE(checked.message().find("(0088,0200)"), std::string::npos) << checked.ToString();
}

// The samples of frame `index` of a data set made by MakeDataset from
// 16-bit `samples`, as little-endian bytes.
std::vector<uint8_t> FrameBytesOf(const std::vector<uint32_t>& samples, size_t frame_samples,
                                  int index) {
  std::vector<uint8_t> bytes;
  for (size_t i = frame_samples * index; i < frame_samples * (index + 1); ++i) {
    bytes.push_back(static_cast<uint8_t>(samples[i]));
    bytes.push_back(static_cast<uint8_t>(samples[i] >> 8));
  }
  return bytes;
}

// Three frames of 5x7 16-bit samples (spread by `step`), made by
// MakeDataset and saved as frames.dcm in `dir`.
struct ThreeFrames {
  static constexpr size_t kFrameSamples = 5 * 7;
  std::vector<uint32_t> samples;
  std::unique_ptr<DcmDataset> dataset;
  Result<FrameLayout> layout = Status::Internal("not read");
};
ThreeFrames MakeThreeFrames(TempDir& dir, uint32_t step) {
  const PixelSpec spec{
      .rows = 5, .columns = 7, .bits_allocated = 16, .bits_stored = 16, .high_bit = 15, .frames = 3};
  ThreeFrames made;
  made.samples.resize(ThreeFrames::kFrameSamples * 3);
  for (size_t i = 0; i < made.samples.size(); ++i) {
    made.samples[i] = static_cast<uint32_t>(i * step % 65536);
  }
  made.dataset = MakeDataset(spec, made.samples);
  made.layout = ReadFrameLayout(*made.dataset);
  SaveFile(*made.dataset, dir.Path("frames.dcm"), EXS_LittleEndianExplicit);
  return made;
}

TEST(FrameReader, ANativeFrameInMemoryIsReadInPlaceAsTheFileGivesIt) {
  TempDir dir;
  const ThreeFrames made = MakeThreeFrames(dir, 977);
  DcmDataset* in_memory = made.dataset.get();
  const std::vector<uint32_t>& samples = made.samples;
  const Result<FrameLayout>& layout = made.layout;
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  const size_t frame_samples = ThreeFrames::kFrameSamples;
  DcmFileFormat file;  // Pixel Data left on disk: values over 16 bytes load lazily
  ASSERT_TRUE(file.loadFile(dir.Path("frames.dcm").c_str(), EXS_Unknown, EGL_noChange, 16).good());
  Uint8* value = nullptr;
  DcmElement* pixel_data = nullptr;
  ASSERT_TRUE(in_memory->findAndGetElement(DCM_PixelData, pixel_data).good());
  ASSERT_TRUE(pixel_data->getUint8Array(value).good());

  for (int index = 0; index < 3; ++index) {
    SCOPED_TRACE(index);
    Result<RawFrame> borrowed = ReadFrame(*in_memory, SyntaxKind::kNative, *layout, index);
    Result<RawFrame> read = ReadFrame(*file.getDataset(), SyntaxKind::kNative, *layout, index);
    ASSERT_TRUE(borrowed.ok()) << borrowed.status().ToString();
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    const std::span<const uint8_t> in_place = borrowed->Samples();
    EXPECT_EQ(in_place.data(), value + frame_samples * 2 * index);  // not a copy
    EXPECT_TRUE(borrowed->bytes.empty());
    const std::vector<uint8_t> expected = FrameBytesOf(samples, frame_samples, index);
    EXPECT_EQ(std::vector<uint8_t>(in_place.begin(), in_place.end()), expected);
    EXPECT_EQ(std::vector<uint8_t>(read->Samples().begin(), read->Samples().end()), expected);
    EXPECT_EQ(read->bytes.size(), expected.size());  // read from the file into its own bytes
  }

  // A value one byte short of the last frame is refused in memory as from a file.
  const std::vector<Uint8> shorter(value, value + frame_samples * 6 - 2);
  ASSERT_TRUE(
      pixel_data->putUint8Array(shorter.data(), static_cast<Uint32>(shorter.size())).good());
  Result<RawFrame> truncated = ReadFrame(*in_memory, SyntaxKind::kNative, *layout, 2);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), Status::Code::kCorruption);
  EXPECT_NE(truncated.status().message().find("pixel data truncated: frame 2"), std::string::npos)
      << truncated.status().message();
}

// Parses `bytes` (a Part-10 file) as the ingest pipeline parses a received
// copy, leaving values over `limit` bytes where they are.
OFCondition ParseInMemory(DcmFileFormat& file, const std::string& bytes, Uint32 limit) {
  InMemoryInputStream stream(bytes);
  file.transferInit();
  const OFCondition read = file.read(stream, EXS_Unknown, EGL_noChange, limit);
  file.transferEnd();
  return read;
}

TEST(FrameReader, ANativeFrameLeftInTheFilesBytesIsReadThereAsTheFileGivesIt) {
  TempDir dir;
  const ThreeFrames made = MakeThreeFrames(dir, 613);
  const std::vector<uint32_t>& samples = made.samples;
  const Result<FrameLayout>& layout = made.layout;
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  const size_t frame_samples = ThreeFrames::kFrameSamples;
  std::ifstream in(dir.Path("frames.dcm"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});

  DcmFileFormat file;  // values over 16 bytes stay in `bytes`
  ASSERT_TRUE(ParseInMemory(file, bytes, 16).good());
  DcmElement* pixel_data = nullptr;
  ASSERT_TRUE(file.getDataset()->findAndGetElement(DCM_PixelData, pixel_data).good());
  EXPECT_FALSE(pixel_data->valueLoaded());
  ASSERT_NE(dynamic_cast<const InMemoryValue*>(pixel_data->getInputStream()), nullptr);
  for (int index = 0; index < 3; ++index) {
    SCOPED_TRACE(index);
    Result<RawFrame> frame = ReadFrame(*file.getDataset(), SyntaxKind::kNative, *layout, index);
    ASSERT_TRUE(frame.ok()) << frame.status().ToString();
    const std::span<const uint8_t> in_place = frame->Samples();
    const auto* start = reinterpret_cast<const uint8_t*>(bytes.data());
    EXPECT_TRUE(in_place.data() >= start &&
                in_place.data() + in_place.size() <= start + bytes.size())
        << "not a view of the file's bytes";
    EXPECT_TRUE(frame->bytes.empty());
    const std::vector<uint8_t> expected = FrameBytesOf(samples, frame_samples, index);
    EXPECT_EQ(std::vector<uint8_t>(in_place.begin(), in_place.end()), expected);
  }
  // Asked for, DCMTK loads the value from the same bytes.
  Uint8* loaded = nullptr;
  ASSERT_TRUE(pixel_data->getUint8Array(loaded).good());
  std::vector<uint8_t> all;
  for (int index = 0; index < 3; ++index) {
    const std::vector<uint8_t> frame = FrameBytesOf(samples, frame_samples, index);
    all.insert(all.end(), frame.begin(), frame.end());
  }
  EXPECT_TRUE(std::equal(all.begin(), all.end(), loaded));

  // Bytes that end two bytes short of the last frame: not a data set.
  DcmFileFormat short_file;
  EXPECT_TRUE(ParseInMemory(short_file, bytes.substr(0, bytes.size() - 2), 16).bad());
}

TEST(FrameReader, AValueLeftInTheFilesBytesShortOfItsFramesIsRefused) {
  // As a sender may send it: Pixel Data one sample short of the three frames
  // Rows, Columns and Number of Frames announce, left where it is.
  TempDir dir;
  const ThreeFrames made = MakeThreeFrames(dir, 613);
  ASSERT_TRUE(made.layout.ok()) << made.layout.status().ToString();
  DcmElement* pixel_data = nullptr;
  ASSERT_TRUE(made.dataset->findAndGetElement(DCM_PixelData, pixel_data).good());
  Uint8* value = nullptr;
  ASSERT_TRUE(pixel_data->getUint8Array(value).good());
  const std::vector<Uint8> shorter(value, value + ThreeFrames::kFrameSamples * 6 - 2);
  ASSERT_TRUE(
      pixel_data->putUint8Array(shorter.data(), static_cast<Uint32>(shorter.size())).good());
  SaveFile(*made.dataset, dir.Path("short.dcm"), EXS_LittleEndianExplicit);
  std::ifstream in(dir.Path("short.dcm"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});

  DcmFileFormat file;
  ASSERT_TRUE(ParseInMemory(file, bytes, 16).good());
  DcmElement* left = nullptr;
  ASSERT_TRUE(file.getDataset()->findAndGetElement(DCM_PixelData, left).good());
  ASSERT_NE(dynamic_cast<const InMemoryValue*>(left->getInputStream()), nullptr);
  EXPECT_TRUE(ReadFrame(*file.getDataset(), SyntaxKind::kNative, *made.layout, 1).ok());
  Result<RawFrame> truncated = ReadFrame(*file.getDataset(), SyntaxKind::kNative, *made.layout, 2);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), Status::Code::kCorruption);
  EXPECT_NE(truncated.status().message().find("pixel data truncated: frame 2"), std::string::npos)
      << truncated.status().message();
}

}  // namespace
}  // namespace pixeldex::thumbnail::testing
