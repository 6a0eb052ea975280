// The guard against DCMTK 3.6.7's endless JPEG marker walk.

#include "catalog/thumbnail/jpeg_marker_guard.h"

#include <gtest/gtest.h>

#include <vector>

namespace pixeldex::thumbnail {
namespace {

bool Terminates(const std::vector<uint8_t>& bytes) {
  return DcmtkJpegScanTerminates(bytes.data(), bytes.size());
}

TEST(JpegMarkerGuard, TemBeforeTheFrameHeaderHangsDcmtk) {
  EXPECT_FALSE(Terminates({0xFF, 0xD8, 0xFF, 0x01, 0xFF, 0xC0, 0x00, 0x0B, 0x08}));
  // Reached after skipping an APP0 segment, a fill byte and a reserved marker.
  EXPECT_FALSE(Terminates({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0xAA, 0xBB, 0xFF, 0xFF, 0xFF,
                           0x10, 0xFF, 0x01, 0x00, 0x00, 0x00}));
}

TEST(JpegMarkerGuard, OrdinaryStreamsEndTheWalk) {
  // SOI, DQT (length 4), SOF0: the walk stops at the frame header.
  EXPECT_TRUE(Terminates({0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00,
                          0x0B, 0x08, 0x00, 0x10, 0x00, 0x10, 0x01}));
  EXPECT_TRUE(Terminates({0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0xFF, 0x01}));  // TEM after SOF
  EXPECT_TRUE(Terminates({0x12, 0x34, 0xFF, 0x01, 0x00, 0x00}));  // not JPEG: DCMTK stops
  EXPECT_TRUE(Terminates({}));
}

}  // namespace
}  // namespace pixeldex::thumbnail
