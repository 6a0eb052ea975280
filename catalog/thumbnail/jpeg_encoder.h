#pragma once
// JPEG (baseline, JFIF) encoding into memory with libjpeg-turbo, for the
// WADO-RS rendered resources (PS3.18 8.3.5.1.3, image/jpeg). libjpeg's
// errors (it would call exit()) are turned into Status here. Thread-safe:
// each call owns its compressor.

#include <string>

#include "catalog/common/result.h"
#include "catalog/thumbnail/display_image.h"

namespace pixeldex::thumbnail {

// `quality` 1..100 (libjpeg's scale). kInvalidArgument for an empty image,
// another channel count or a quality out of range; kInternal when libjpeg
// fails.
Result<std::string> EncodeJpeg(const DisplayImage& image, int quality);

}  // namespace pixeldex::thumbnail
