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

ThumbnailRecord WithStatus(ThumbnailStatus status, std::string reason = {}) {
  ThumbnailRecord record;
  record.status = status;
  record.reason = std::move(reason);
  return record;
}

// The one place where a Status becomes a thumbnail status.
ThumbnailRecord FromError(const Status& status) {
  if (status.code() == Status::Code::kUnsupported) {
    return WithStatus(ThumbnailStatus::kUnsupportedSyntax);
  }
  if (status.code() == Status::Code::kNotFound) return WithStatus(ThumbnailStatus::kNoPixelData);
  return WithStatus(ThumbnailStatus::kDecodeError, status.message());
}

ThumbnailRecord Render(DcmDataset& dataset, E_TransferSyntax transfer_syntax,
                       const ThumbnailOptions& options) {
  RenderOptions render;
  render.fit = {options.max_size, options.max_size};
  Result<DisplayImage> image = RenderDisplayFrame(dataset, transfer_syntax, render);
  if (!image.ok()) return FromError(image.status());
  Result<std::string> png = EncodePng(*image);
  if (!png.ok()) return FromError(png.status());

  ThumbnailRecord record = WithStatus(ThumbnailStatus::kOk);
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
    return WithStatus(ThumbnailStatus::kDecodeError, "out of memory");
  } catch (const std::exception& e) {
    return WithStatus(ThumbnailStatus::kDecodeError, e.what());
  } catch (...) {
    return WithStatus(ThumbnailStatus::kDecodeError, "unexpected exception");
  }
}

}  // namespace pixeldex::thumbnail
