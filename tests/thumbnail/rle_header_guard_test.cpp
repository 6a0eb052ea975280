// The guard against DCMTK 3.6.7's RLE decoder reading past a frame whose
// RLE header (PS3.5 G.5) lies about its segments.

#include "catalog/thumbnail/rle_header_guard.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace pixeldex::thumbnail {
namespace {

// A frame of `size` bytes whose header declares `offsets.size()` segments at
// those offsets (the header's other offsets zero).
std::vector<uint8_t> Frame(std::initializer_list<uint32_t> offsets, size_t size) {
  std::vector<uint8_t> frame(size, 0);
  auto put = [&frame](size_t at, uint32_t value) {
    for (int i = 0; i < 4; ++i) frame[at + i] = static_cast<uint8_t>(value >> (8 * i));
  };
  put(0, static_cast<uint32_t>(offsets.size()));
  size_t at = 4;
  for (uint32_t offset : offsets) {
    put(at, offset);
    at += 4;
  }
  return frame;
}

bool Sound(const std::vector<uint8_t>& frame) {
  return !RleHeaderProblem(frame.data(), frame.size()).has_value();
}

TEST(RleHeaderGuard, AcceptsHeadersWhoseSegmentsLieInsideTheFrame) {
  EXPECT_TRUE(Sound(Frame({64}, 65)));
  EXPECT_TRUE(Sound(Frame({64, 100, 200}, 300)));  // e.g. RGB, 8 bits
}

TEST(RleHeaderGuard, RefusesTheFuzzedOffsetPastTheFragment) {
  // The header fuzzing found: segment 2 at 196,704 of a 368-byte fragment.
  const std::vector<uint8_t> frame = Frame({64, 196704}, 368);
  const auto problem = RleHeaderProblem(frame.data(), frame.size());
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("196704"), std::string::npos) << *problem;
}

TEST(RleHeaderGuard, RefusesEveryOtherBrokenHeader) {
  EXPECT_FALSE(Sound(std::vector<uint8_t>(63, 0)));          // no room for the header
  EXPECT_FALSE(Sound(Frame({}, 100)));                       // zero segments
  std::vector<uint8_t> sixteen = Frame({64}, 100);
  sixteen[0] = 16;                                           // more than 15 segments
  EXPECT_FALSE(Sound(sixteen));
  EXPECT_FALSE(Sound(Frame({60}, 100)));                     // first segment not at 64
  EXPECT_FALSE(Sound(Frame({64, 64}, 100)));                 // offsets must increase
  EXPECT_FALSE(Sound(Frame({64, 90, 80}, 100)));
  EXPECT_FALSE(Sound(Frame({64}, 64)));                      // a segment with no bytes
}

}  // namespace
}  // namespace pixeldex::thumbnail
