// The stored spelling of thumbnail states (catalog/common/thumbnail_status.h):
// each state reads back as itself, the reason of a decode error survives, and
// text pixeldex never writes is not mistaken for a state.

#include "catalog/common/thumbnail_status.h"

#include <gtest/gtest.h>

namespace pixeldex {
namespace {

TEST(ThumbnailStatusTest, EveryStateReadsBackAsItself) {
  for (const ThumbnailStatus status :
       {ThumbnailStatus::kOk, ThumbnailStatus::kNoPixelData, ThumbnailStatus::kUnsupportedSyntax,
        ThumbnailStatus::kDisabled, ThumbnailStatus::kDecodeError}) {
    const std::string stored = StoredThumbnailStatus(status, "why: it broke");
    const auto parsed = ParseStoredThumbnailStatus(stored);
    ASSERT_TRUE(parsed.has_value()) << stored;
    EXPECT_EQ(parsed->status, status) << stored;
    EXPECT_EQ(parsed->reason, status == ThumbnailStatus::kDecodeError ? "why: it broke" : "");
  }
}

TEST(ThumbnailStatusTest, StoredTextIsTheDocumentedSpelling) {
  EXPECT_EQ(StoredThumbnailStatus(ThumbnailStatus::kOk, ""), "ok");
  EXPECT_EQ(StoredThumbnailStatus(ThumbnailStatus::kNoPixelData, "ignored"), "no_pixel_data");
  EXPECT_EQ(StoredThumbnailStatus(ThumbnailStatus::kUnsupportedSyntax, ""), "unsupported_syntax");
  EXPECT_EQ(StoredThumbnailStatus(ThumbnailStatus::kDisabled, ""), "disabled");
  EXPECT_EQ(StoredThumbnailStatus(ThumbnailStatus::kDecodeError, "truncated fragment"),
            "decode_error: truncated fragment");
}

TEST(ThumbnailStatusTest, UnknownTextIsNoState) {
  EXPECT_FALSE(ParseStoredThumbnailStatus("").has_value());
  EXPECT_FALSE(ParseStoredThumbnailStatus("OK").has_value());
  EXPECT_FALSE(ParseStoredThumbnailStatus("decode_errors").has_value());
  EXPECT_FALSE(ParseStoredThumbnailStatus("disabled: why").has_value());
}

}  // namespace
}  // namespace pixeldex
