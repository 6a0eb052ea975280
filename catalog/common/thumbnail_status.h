#pragma once
// ThumbnailStatus: whether an instance has a thumbnail, and if not why, with
// the one spelling of each state in the column `thumbnails.status`: "ok",
// "no_pixel_data", "unsupported_syntax", "disabled", or "decode_error:
// <reason>" (the only state that carries a reason). Plain functions, safe
// from any thread.

#include <optional>
#include <string>
#include <string_view>

namespace pixeldex {

enum class ThumbnailStatus {
  kOk,                 // rendered; the row has its size and PNG
  kNoPixelData,        // the dataset has no (or empty) Pixel Data
  kUnsupportedSyntax,  // a transfer syntax pixeldex does not decode (video, JPIP, ...)
  kDisabled,           // thumbnails were off when the instance was cataloged
  kDecodeError,        // the pixel data could not be rendered; see the reason
};

// "ok", "no_pixel_data", "unsupported_syntax", "disabled", "decode_error".
const char* ThumbnailStatusName(ThumbnailStatus status);

// The column's text: the name, and for kDecodeError ": <reason>".
std::string StoredThumbnailStatus(ThumbnailStatus status, std::string_view reason);

struct StoredThumbnailState {
  ThumbnailStatus status;
  std::string reason;  // kDecodeError only
};
// The inverse of StoredThumbnailStatus; nullopt for text pixeldex never writes.
std::optional<StoredThumbnailState> ParseStoredThumbnailStatus(std::string_view stored);

}  // namespace pixeldex
