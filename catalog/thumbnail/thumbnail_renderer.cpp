#include "catalog/thumbnail/thumbnail_renderer.h"

#include <exception>
#include <new>
#include <string>
#include <utility>

#include "catalog/common/result.h"
#include "catalog/thumbnail/box_downscaler.h"
#include "catalog/thumbnail/codec_registry.h"
#include "catalog/thumbnail/color_renderer.h"
#include "catalog/thumbnail/frame_reader.h"
#include "catalog/thumbnail/greyscale_renderer.h"
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

Result<DisplayImage> RenderColorFrame(DcmDataset& dataset, const RawFrame& frame,
                                      bool pixel_signed) {
  if (frame.layout.photometric == "PALETTE COLOR") {
    Result<PaletteLuts> palette = ReadPaletteLuts(dataset, pixel_signed);
    if (!palette.ok()) return palette.status();
    return RenderColor(frame, &*palette);
  }
  return RenderColor(frame, nullptr);
}

// The frame rendered at `size`: greyscale frames are shrunk as stored values
// before the VOI mapping, colour frames after conversion to RGB.
Result<DisplayImage> RenderFrame(DcmDataset& dataset, const RawFrame& frame, int frame_index,
                                 bool pixel_signed, Size size) {
  if (frame.layout.IsMonochrome()) {
    return RenderGreyscale(frame, ReadGreyscaleParameters(dataset, pixel_signed, frame_index),
                           size);
  }
  Result<DisplayImage> rgb = RenderColorFrame(dataset, frame, pixel_signed);
  if (!rgb.ok()) return rgb.status();
  return DownscaleByAreaAveraging(std::move(*rgb), size);
}

ThumbnailRecord Render(DcmDataset& dataset, E_TransferSyntax transfer_syntax,
                       const ThumbnailOptions& options) {
  if (!HasPixelData(dataset)) return WithStatus(ThumbnailStatus::kNoPixelData);
  const SyntaxKind kind = ClassifyTransferSyntax(transfer_syntax);
  if (kind == SyntaxKind::kUnsupported) return WithStatus(ThumbnailStatus::kUnsupportedSyntax);
  EnsureDcmtkDecodersRegistered();

  Result<FrameLayout> layout = ReadFrameLayout(dataset);
  if (!layout.ok()) return FromError(layout.status());
  const int frame_index = layout->number_of_frames / 2;
  const Size size = FitWithin(layout->columns, layout->rows, options.max_size);
  Result<RawFrame> frame = ReadFrame(dataset, kind, *layout, frame_index, size);
  if (!frame.ok()) return FromError(frame.status());

  Result<DisplayImage> image = RenderFrame(dataset, *frame, frame_index, layout->is_signed, size);
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
