// ReadFrame's contract for frames DCMTK decodes: bytes its decoder leaves
// unwritten read as zero, never as what the heap held before.

#include "catalog/thumbnail/frame_reader.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
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

}  // namespace
}  // namespace pixeldex::thumbnail::testing
