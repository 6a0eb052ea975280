#pragma once
// PNG encoding into memory: libpng writes the file, libdeflate compresses its
// image data. All libpng errors are translated to Status here. Thread-safe:
// each call owns its libpng and libdeflate state.

#include <string>

#include "catalog/common/result.h"
#include "catalog/thumbnail/display_image.h"

namespace pixeldex::thumbnail {

// Encodes an 8-bit grey (1 channel) or RGB (3 channels) image as a PNG file,
// favouring speed (libdeflate's level 1, the SUB filter) over the last bytes
// of size.
// kInvalidArgument for empty images or other channel counts; kInternal when
// libpng fails.
Result<std::string> EncodePng(const DisplayImage& image);

}  // namespace pixeldex::thumbnail
