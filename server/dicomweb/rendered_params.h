#pragma once
// The request of a WADO-RS rendered resource (PS3.18 8.3.5.1.3, 10.4.1.1.3):
// the media type from Accept, and the query parameters pixeldex honours
// (PS3.18 8.3.5.1.3):
//   window=center,width[,function]   function linear (default),
//                                    linear-exact or sigmoid (PS3.3
//                                    C.11.2.1.2); width > 0
//   viewport=vw,vh[,sx,sy,sw,sh]      fit the image (or its region sx,sy,
//                                    sw x sh, in pixels of the frame) in
//                                    vw x vh, aspect kept, never upscaled;
//                                    negative sw/sh (flips) are refused
//   quality=1..100                   image/jpeg only; default 90
// Other parameters (annotation, charset, iccprofile) are ignored. A
// malformed value is InvalidArgument (-> 400). Stateless.

#include <optional>
#include <string>

#include "catalog/common/result.h"
#include "catalog/thumbnail/greyscale_renderer.h"
#include "server/http/query_string.h"

namespace pixeldex::server {

struct RenderedRegion {
  int x = 0, y = 0, width = 0, height = 0;
};

struct RenderedParams {
  std::optional<thumbnail::Window> window;
  int viewport_width = 0;  // 0: no viewport, the frame's own size
  int viewport_height = 0;
  std::optional<RenderedRegion> region;
  int quality = 90;
};

Result<RenderedParams> ParseRenderedParams(const QueryParams& params);

// "image/jpeg" or "image/png", the first the Accept header admits; image/*
// and */* (and no Accept) give image/jpeg, the default for single-frame
// images (PS3.18 8.7.4, Table 8.7.4-1). Unsupported (-> 406) when neither.
Result<std::string> ChooseRenderedMediaType(const std::string& accept);

// The type of each part of a rendered study or series (a multipart/related
// payload, PS3.18 8.7.4): as ChooseRenderedMediaType, and a range
// multipart/related; type="image/png" (or image/jpeg) admits that type.
Result<std::string> ChooseRenderedPartType(const std::string& accept);

// The type of a thumbnail (PS3.18 10.4.1.1.4): as ChooseRenderedMediaType,
// but image/*, */* and no Accept give image/png, the type of the
// thumbnails the index stores, served without rendering.
Result<std::string> ChooseThumbnailMediaType(const std::string& accept);

}  // namespace pixeldex::server
