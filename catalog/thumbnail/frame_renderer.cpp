#include "catalog/thumbnail/frame_renderer.h"

#include <string>
#include <utility>

#include "catalog/thumbnail/box_downscaler.h"
#include "catalog/thumbnail/codec_registry.h"
#include "catalog/thumbnail/color_renderer.h"
#include "catalog/thumbnail/frame_reader.h"

namespace pixeldex::thumbnail {
namespace {

Result<DisplayImage> RenderColorFrame(DcmDataset& dataset, const RawFrame& frame,
                                      bool pixel_signed) {
  if (frame.layout.photometric == "PALETTE COLOR") {
    Result<PaletteLuts> palette = ReadPaletteLuts(dataset, pixel_signed);
    if (!palette.ok()) return palette.status();
    return RenderColor(frame, &*palette);
  }
  return RenderColor(frame, nullptr);
}

}  // namespace

// Greyscale frames are shrunk as stored values before the VOI mapping,
// colour frames after conversion to RGB.
Result<DisplayImage> RenderDisplayFrame(DcmDataset& dataset, E_TransferSyntax transfer_syntax,
                                        const RenderOptions& options) {
  if (!HasPixelData(dataset)) return Status::NotFound("no Pixel Data");
  const SyntaxKind kind = ClassifyTransferSyntax(transfer_syntax);
  if (kind == SyntaxKind::kUnsupported) return Status::Unsupported("transfer syntax not decodable");
  EnsureDcmtkDecodersRegistered();

  Result<FrameLayout> layout = ReadFrameLayout(dataset);
  if (!layout.ok()) return layout.status();
  const int frame_index =
      options.frame_index < 0 ? layout->number_of_frames / 2 : options.frame_index;
  const Size size =
      options.fit.width > 0 && options.fit.height > 0
          ? FitWithinBox(layout->columns, layout->rows, options.fit.width, options.fit.height)
          : Size{layout->columns, layout->rows};
  Result<RawFrame> frame = ReadFrame(dataset, kind, *layout, frame_index, size);
  if (!frame.ok()) return frame.status();

  if (frame->layout.IsMonochrome()) {
    GreyscaleParameters parameters =
        ReadGreyscaleParameters(dataset, layout->is_signed, frame_index);
    if (options.window) {
      parameters.window = options.window;
      parameters.voi_lut.reset();
    }
    return RenderGreyscale(*frame, parameters, size);
  }
  Result<DisplayImage> rgb = RenderColorFrame(dataset, *frame, layout->is_signed);
  if (!rgb.ok()) return rgb.status();
  return DownscaleByAreaAveraging(std::move(*rgb), size);
}

}  // namespace pixeldex::thumbnail
