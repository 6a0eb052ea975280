#include "server/dicomweb/wado_rendered_service.h"

#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>
#include <cstring>

#include "catalog/thumbnail/box_downscaler.h"
#include "catalog/thumbnail/frame_renderer.h"
#include "catalog/thumbnail/jpeg_encoder.h"
#include "catalog/thumbnail/png_encoder.h"
#include "server/dicomweb/frame_list.h"
#include "server/dicomweb/rendered_params.h"
#include "server/dicomweb/stored_instance.h"

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

HttpResponse Rendered(const DicomwebContext& context, const HttpRequest& request,
                      const PathParams& params) {
  int frame = 1;
  if (auto it = params.find("frames"); it != params.end()) {
    auto numbers = ParseFrameList(it->second);
    if (!numbers.ok()) return HttpResponse::Text(400, numbers.status().message());
    if (numbers->size() != 1) return HttpResponse::Text(400, "a rendered frame is one frame");
    frame = numbers->front();
  }
  auto query = ParseQueryString(request.Query());
  if (!query.ok()) return HttpResponse::Text(400, query.status().message());
  auto rendered = ParseRenderedParams(*query);
  if (!rendered.ok()) return HttpResponse::Text(400, rendered.status().message());
  auto media_type = ChooseRenderedMediaType(request.Header("accept"));
  if (!media_type.ok()) return HttpResponse::Text(406, media_type.status().message());
  InstanceOfPath opened = OpenInstanceOfPath(context, params, "rendering");
  if (!opened.instance) return opened.refusal;
  std::optional<StoredInstance>& instance = opened.instance;
  if (frame > std::max(1, instance->stored.number_of_frames)) {
    return HttpResponse::Text(404, "frame " + std::to_string(frame) + " does not exist");
  }
  const E_TransferSyntax syntax = DcmXfer(instance->stored.transfer_syntax_uid.c_str()).getXfer();
  auto image = Render(instance->dataset(), syntax, frame - 1, *rendered);
  if (!image.ok()) return InstanceFailure(image.status(), "rendering");
  auto encoded = *media_type == "image/png" ? thumbnail::EncodePng(*image)
                                            : thumbnail::EncodeJpeg(*image, rendered->quality);
  if (!encoded.ok()) return InstanceFailure(encoded.status(), "encoding a rendered image");
  return HttpResponse{200, *media_type, std::move(encoded).value()};
}

}  // namespace

void AddWadoRenderedRoutes(Router& router, std::shared_ptr<const DicomwebContext> context) {
  for (const char* pattern :
       {"/dicom-web/studies/{study}/series/{series}/instances/{instance}/rendered",
        "/dicom-web/studies/{study}/series/{series}/instances/{instance}/frames/{frames}/"
        "rendered"}) {
    router.Add("GET", pattern, RouteAccess::kRead,
               [context](const HttpRequest& request, const PathParams& params) {
                 return Rendered(*context, request, params);
               });
  }
}

}  // namespace pixeldex::server
