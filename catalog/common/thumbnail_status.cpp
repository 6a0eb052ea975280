#include "catalog/common/thumbnail_status.h"

namespace pixeldex {
namespace {

constexpr ThumbnailStatus kAll[] = {ThumbnailStatus::kOk, ThumbnailStatus::kNoPixelData,
                                    ThumbnailStatus::kUnsupportedSyntax,
                                    ThumbnailStatus::kDisabled, ThumbnailStatus::kDecodeError};
constexpr std::string_view kReasonSeparator = ": ";

}  // namespace

const char* ThumbnailStatusName(ThumbnailStatus status) {
  switch (status) {
    case ThumbnailStatus::kOk: return "ok";
    case ThumbnailStatus::kNoPixelData: return "no_pixel_data";
    case ThumbnailStatus::kUnsupportedSyntax: return "unsupported_syntax";
    case ThumbnailStatus::kDisabled: return "disabled";
    case ThumbnailStatus::kDecodeError: return "decode_error";
  }
  return "";
}

std::string StoredThumbnailStatus(ThumbnailStatus status, std::string_view reason) {
  std::string out = ThumbnailStatusName(status);
  if (status == ThumbnailStatus::kDecodeError) {
    out += kReasonSeparator;
    out += reason;
  }
  return out;
}

std::optional<StoredThumbnailState> ParseStoredThumbnailStatus(std::string_view stored) {
  for (const ThumbnailStatus status : kAll) {
    const std::string_view name = ThumbnailStatusName(status);
    if (stored == name) return StoredThumbnailState{status, {}};
    if (status == ThumbnailStatus::kDecodeError && stored.substr(0, name.size()) == name &&
        stored.substr(name.size(), kReasonSeparator.size()) == kReasonSeparator) {
      return StoredThumbnailState{status, std::string(stored.substr(name.size() + 2))};
    }
  }
  return std::nullopt;
}

}  // namespace pixeldex
