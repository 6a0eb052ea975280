#include "server/dicomweb/rendered_image.h"

#include <cstring>

#include "catalog/thumbnail/box_downscaler.h"
#include "catalog/thumbnail/frame_renderer.h"
#include "catalog/thumbnail/jpeg_encoder.h"
#include "catalog/thumbnail/png_encoder.h"

namespace pixeldex::server {
namespace {

using thumbnail::DisplayImage;

// The pixels of `region` (inside `image`).
DisplayImage Crop(const DisplayImage& image, const RenderedRegion& region) {
  DisplayImage cropped(region.width, region.height, image.channels);
  const size_t row_bytes = static_cast<size_t>(region.width) * image.channels;
  for (int y = 0; y < region.height; ++y) {
    const size_t from =
        (static_cast<size_t>(region.y + y) * image.width + region.x) * image.channels;
    std::memcpy(cropped.pixels.data() + y * row_bytes, image.pixels.data() + from, row_bytes);
  }
  return cropped;
}

// The frame rendered as `params` say.
Result<DisplayImage> Render(DcmDataset& dataset, E_TransferSyntax syntax, int frame_index,
                            const RenderedParams& params) {
  thumbnail::RenderOptions options;
  options.frame_index = frame_index;
  options.window = params.window;
  if (!params.region) {
    options.fit = {params.viewport_width, params.viewport_height};
    return thumbnail::RenderDisplayFrame(dataset, syntax, options);
  }
  auto full = thumbnail::RenderDisplayFrame(dataset, syntax, options);
  if (!full.ok()) return full.status();
  const RenderedRegion& region = *params.region;
  if (region.x + region.width > full->width || region.y + region.height > full->height) {
    return Status::InvalidArgument("the viewport's region lies outside the " +
                                   std::to_string(full->width) + "x" +
                                   std::to_string(full->height) + " frame");
  }
  const thumbnail::Size size = thumbnail::FitWithinBox(
      region.width, region.height, params.viewport_width, params.viewport_height);
  return thumbnail::DownscaleByAreaAveraging(Crop(*full, region), size);
}

}  // namespace

Result<std::string> RenderEncodedFrame(DcmDataset& dataset, E_TransferSyntax syntax,
                                       int frame_index, const RenderedParams& params,
                                       const std::string& media_type) {
  auto image = Render(dataset, syntax, frame_index, params);
  if (!image.ok()) return image.status();
  return media_type == "image/png" ? thumbnail::EncodePng(*image)
                                   : thumbnail::EncodeJpeg(*image, params.quality);
}

}  // namespace pixeldex::server
