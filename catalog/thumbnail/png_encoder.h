#pragma once
// PNG encoding into memory: libpng writes the file, ISA-L's igzip compresses
// its image data. All libpng errors are translated to Status here.
// Thread-safe: each call owns its libpng state, each thread its igzip state.

#include <string>

#include "catalog/common/result.h"
#include "catalog/thumbnail/display_image.h"

namespace pixeldex::thumbnail {

// Encodes an 8-bit grey (1 channel) or RGB (3 channels) image as a PNG file,
// favouring speed (igzip's level 1, the SUB filter) over the last bytes
// of size.
// kInvalidArgument for empty images or other channel counts; kInternal when
// libpng or igzip fails.
Result<std::string> EncodePng(const DisplayImage& image);

}  // namespace pixeldex::thumbnail
