#include "catalog/thumbnail/thumbnail_renderer.h"

#include <exception>
#include <new>
#include <string>
#include <utility>

#include "catalog/common/result.h"
#include "catalog/thumbnail/frame_renderer.h"
#include "catalog/thumbnail/png_encoder.h"

namespace pixeldex::thumbnail {
namespace {

constexpr char kOk[] = "ok";
constexpr char kNoPixelData[] = "no_pixel_data";
constexpr char kUnsupportedSyntax[] = "unsupported_syntax";

ThumbnailRecord WithStatus(std::string status) {
  ThumbnailRecord record;
  record.status = std::move(status);
  return record;
}

// The one place where a Status becomes a thumbnail status string.
ThumbnailRecord FromError(const Status& status) {
  if (status.code() == Status::Code::kUnsupported) return WithStatus(kUnsupportedSyntax);
  if (status.code() == Status::Code::kNotFound) return WithStatus(kNoPixelData);
  return WithStatus("decode_error: " + status.message());
}

ThumbnailRecord Render(DcmDataset& dataset, E_TransferSyntax transfer_syntax,
                       const ThumbnailOptions& options) {
  RenderOptions render;
  render.fit = {options.max_size, options.max_size};
  Result<DisplayImage> image = RenderDisplayFrame(dataset, transfer_syntax, render);
  if (!image.ok()) return FromError(image.status());
  Result<std::string> png = EncodePng(*image);
  if (!png.ok()) return FromError(png.status());

  ThumbnailRecord record = WithStatus(kOk);
  record.width = image->width;
  record.height = image->height;
  record.png = std::move(*png);
  return record;
}

}  // namespace

ThumbnailRecord RenderThumbnail(DcmDataset& dataset, E_TransferSyntax transfer_syntax,
                                const ThumbnailOptions& options) {
  // Error boundary: nothing escapes to the ingest pipeline.
  try {
    return Render(dataset, transfer_syntax, options);
  } catch (const std::bad_alloc&) {
    return WithStatus("decode_error: out of memory");
  } catch (const std::exception& e) {
    return WithStatus(std::string("decode_error: ") + e.what());
  } catch (...) {
    return WithStatus("decode_error: unexpected exception");
  }
}

}  // namespace pixeldex::thumbnail
