#pragma once
// Renderings alongside an export (`pixeldex export --render png|jpeg[:SIZE]`):
// frame 1 of an exported instance rendered by the thumbnail renderer
// (catalog/thumbnail/frame_renderer.h: Modality LUT, VOI window, MONOCHROME1
// inversion, colour models, area averaging) to fit SIZE x SIZE (aspect kept,
// never enlarged), encoded as PNG or JPEG, and named after the instance's
// file: `STUDY/SERIES/INSTANCE.dcm` -> `STUDY/SERIES/INSTANCE.png` (`.jpg`).
// Stateless; any thread.

#include <string>
#include <string_view>

#include "catalog/common/result.h"

namespace pixeldex::exporting {

enum class RenderingFormat { kPng, kJpeg };

struct RenderingOptions {
  RenderingFormat format = RenderingFormat::kPng;
  int size = 256;  // the longest side, in pixels
};

inline constexpr int kRenderingJpegQuality = 90;
inline constexpr int kMaxRenderingSize = 4096;

// "png", "jpeg", "png:512", "jpeg:128"; kInvalidArgument otherwise (SIZE 1
// to kMaxRenderingSize).
Result<RenderingOptions> ParseRenderingOptions(std::string_view text);

// The rendering's path for the instance at `relative` ('.dcm' replaced, or
// the extension added).
std::string RenderingPath(const std::string& relative, RenderingFormat format);

// The encoded rendering of frame 1 of the Part-10 file at `path`. Errors say
// why there is none: kNotFound (no Pixel Data), kUnsupported (video, JPIP,
// retired JPEG processes), others (unreadable or undecodable).
Result<std::string> RenderInstanceFile(const std::string& path, const RenderingOptions& options);

// A short name for why an instance has no rendering, for the summary:
// "no pixel data", "unsupported pixel data" or "not decodable".
std::string NotRenderedReason(const Status& status);

}  // namespace pixeldex::exporting
