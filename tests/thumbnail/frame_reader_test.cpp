// ReadFrame's contract for frames DCMTK decodes: bytes its decoder leaves
// unwritten read as zero, never as what the heap held before; for native
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
#include <memory>
#include <span>
#include <string>
#include <vector>

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

TEST(FrameReader, BytesDcmtkLeavesUnwrittenReadAsZero) {
  // Found running mutated frame headers under valgrind: DCMTK 3.6.7
  // decodes a JPEG stream of 8-bit precision in a data set of 16 bits
  // allocated into the first half of the frame buffer and reports success;
  // the second half was rendered from uninitialised memory.
  PixelSpec spec;
  spec.rows = spec.columns = 64;
  std::vector<uint32_t> samples(64 * 64);
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = 1 + i % 255;
  auto native = MakeDataset(spec, samples);
  TempDir dir;
  SaveFile(*native, dir.Path("grey8.dcm"), EXS_LittleEndianExplicit);
  ASSERT_EQ(RunCommand("dcmcjpeg +e1 " + dir.Path("grey8.dcm") + " " + dir.Path("sv1.dcm")), 0);
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(dir.Path("sv1.dcm").c_str()).good());
  DcmDataset& dataset = *file.getDataset();
  ASSERT_TRUE(dataset.putAndInsertUint16(DCM_BitsAllocated, 16).good());  // the stream says 8
  Result<FrameLayout> layout = ReadFrameLayout(dataset);
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  EnsureDcmtkDecodersRegistered();

  DirtyTheHeap(layout->FrameBytes() + 2);
  Result<RawFrame> frame = ReadFrame(dataset, SyntaxKind::kDcmtkCodec, *layout, 0);
  ASSERT_TRUE(frame.ok()) << frame.status().ToString();
  ASSERT_EQ(frame->bytes.size(), 64u * 64 * 2);
  const auto written_end = frame->bytes.begin() + 64 * 64;
  EXPECT_EQ(std::vector<uint8_t>(frame->bytes.begin(), frame->bytes.begin() + 4),
            (std::vector<uint8_t>{1, 2, 3, 4}));  // what DCMTK wrote: 8-bit samples
  EXPECT_TRUE(std::all_of(written_end, frame->bytes.end(), [](uint8_t b) { return b == 0; }));
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

TEST(FrameReader, ANativeFrameInMemoryIsReadInPlaceAsTheFileGivesIt) {
  const PixelSpec spec{
      .rows = 5, .columns = 7, .bits_allocated = 16, .bits_stored = 16, .high_bit = 15, .frames = 3};
  const size_t frame_samples = 5 * 7;
  std::vector<uint32_t> samples(frame_samples * 3);
  for (size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<uint32_t>(i * 977 % 65536);
  auto in_memory = MakeDataset(spec, samples);
  Result<FrameLayout> layout = ReadFrameLayout(*in_memory);
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  TempDir dir;
  SaveFile(*in_memory, dir.Path("frames.dcm"), EXS_LittleEndianExplicit);
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

}  // namespace
}  // namespace pixeldex::thumbnail::testing
