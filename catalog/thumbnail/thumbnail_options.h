#pragma once
// ThumbnailOptions: how thumbnails are rendered (thumbnails.max_size). A
// header of its own so that the ingest pipeline's callers name the options
// without pulling in the renderer and DCMTK behind it.

namespace pixeldex::thumbnail {

struct ThumbnailOptions {
  // Longest side of the thumbnail in pixels. The aspect ratio is kept and
  // images already smaller are never upscaled.
  int max_size = 256;
};

}  // namespace pixeldex::thumbnail
