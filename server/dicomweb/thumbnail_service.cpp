#include "server/dicomweb/thumbnail_service.h"

#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>

#include "catalog/common/log.h"
#include "catalog/query/instance_reads.h"
#include "catalog/thumbnail/box_downscaler.h"
#include "server/dicomweb/frame_list.h"
#include "server/dicomweb/rendered_image.h"
#include "server/dicomweb/rendered_params.h"
#include "server/dicomweb/stored_file_path.h"
#include "server/dicomweb/stored_instance.h"
#include "server/dicomweb/uid_segment.h"

namespace pixeldex::server {
namespace {

// The width and height a PNG's IHDR chunk records (PNG spec 11.2.2: the
// 8-byte signature, the chunk's length and type, then two big-endian
// 32-bit sizes); nullopt for bytes too short to hold them.
std::optional<thumbnail::Size> PngSize(const std::string& png) {
  if (png.size() < 24) return std::nullopt;
  auto be32 = [&png](size_t at) {
    int value = 0;
    for (size_t i = at; i < at + 4; ++i) value = (value << 8) | static_cast<unsigned char>(png[i]);
    return value;
  };
  return thumbnail::Size{be32(16), be32(20)};
}

// True when the stored thumbnail (made to fit in `max_size` squares) is
// what rendering for `params` would give: no viewport asked, or one it
// fills on a side (or, not shrunk at ingest, one it fits in whole).
bool StoredFits(const std::string& png, const RenderedParams& params, int max_size) {
  if (params.viewport_width == 0) return true;
  const std::optional<thumbnail::Size> size = PngSize(png);
  if (!size) return false;
  const thumbnail::Size fitted = thumbnail::FitWithinBox(
      size->width, size->height, params.viewport_width, params.viewport_height);
  if (fitted.width != size->width || fitted.height != size->height) return false;
  return std::max(size->width, size->height) < max_size ||
         size->width == params.viewport_width || size->height == params.viewport_height;
}

HttpResponse Answer(std::string type, std::string image, bool instance) {
  HttpResponse response{200, std::move(type), std::move(image)};
  response.AddHeader("Cache-Control",
                     instance ? "private, max-age=86400, immutable" : "private, max-age=60");
  return response;
}

// The thumbnail rendered from the files: the frame asked (0-based), else
// the representative frame (as at ingest), of the first instance of
// `files` that has pixels to render.
HttpResponse RenderThumbnail(const DicomwebContext& context,
                             const std::vector<query::StoredFile>& files, int frame_index,
                             const RenderedParams& params, const std::string& type, bool instance) {
  for (const query::StoredFile& stored : files) {
    auto path = StoredFilePath(context.storage_root, stored);
    if (!path.ok()) return InstanceFailure(path.status(), "finding a file for a thumbnail");
    auto file = LoadStoredFile(*path);
    if (!file.ok()) return InstanceFailure(file.status(), "reading a file for a thumbnail");
    auto image = RenderEncodedFrame(*(*file)->getDataset(),
                                    DcmXfer(stored.transfer_syntax_uid.c_str()).getXfer(),
                                    frame_index, params, type);
    if (image.ok()) return Answer(type, std::move(image).value(), instance);
    const Status::Code code = image.status().code();
    if (instance || (code != Status::Code::kNotFound && code != Status::Code::kUnsupported)) {
      return InstanceFailure(image.status(), "rendering a thumbnail");
    }
  }
  return HttpResponse::Text(404, "no thumbnail for this resource");
}

HttpResponse Thumbnail(const DicomwebContext& context, int max_size, const HttpRequest& request,
                       const PathParams& params) {
  auto uids = ScopeOfPath(params);
  if (!uids.ok()) return HttpResponse::Text(400, uids.status().message());
  int frame = 0;  // none asked
  if (auto it = params.find("frames"); it != params.end()) {
    auto numbers = ParseFrameList(it->second);
    if (!numbers.ok()) return HttpResponse::Text(400, numbers.status().message());
    if (numbers->size() != 1) return HttpResponse::Text(400, "a frame's thumbnail is of one frame");
    frame = numbers->front();
  }
  auto query = ParseQueryString(request.Query());
  if (!query.ok()) return HttpResponse::Text(400, query.status().message());
  auto rendered = ParseRenderedParams(*query);
  if (!rendered.ok()) return HttpResponse::Text(400, rendered.status().message());
  if (rendered->region) {
    return HttpResponse::Text(400, "a thumbnail's viewport is vw,vh (PS3.18 8.3.5.1.3)");
  }
  auto type = ChooseThumbnailMediaType(request.Header("accept"));
  if (!type.ok()) return HttpResponse::Text(406, type.status().message());
  const bool instance = !uids->sop_instance.empty();
  auto reader = context.open_index_reader();
  if (!reader.ok()) return InstanceFailure(Status::IoError(reader.status().message()), "thumbnail");
  if (frame == 0 && *type == "image/png" && !rendered->window) {
    auto png =
        query::FindRepresentativeThumbnail(**reader, uids->study, uids->series, uids->sop_instance);
    if (!png.ok()) return InstanceFailure(png.status(), "reading a stored thumbnail");
    if (png->has_value() && StoredFits(**png, *rendered, max_size)) {
      return Answer(*type, std::move(**png), instance);
    }
  }
  auto files = query::ListStoredFiles(**reader, *uids);
  if (!files.ok()) return InstanceFailure(files.status(), "listing instances for a thumbnail");
  if (files->empty()) return HttpResponse::Text(404, "no such study, series or instance");
  if (frame > std::max(1, files->front().number_of_frames)) {
    return HttpResponse::Text(404, "frame " + std::to_string(frame) + " does not exist");
  }
  if (rendered->viewport_width == 0) {
    rendered->viewport_width = rendered->viewport_height = max_size;
  }
  return RenderThumbnail(context, *files, frame - 1, *rendered, *type, instance);
}

}  // namespace

void AddThumbnailRoutes(Router& router, std::shared_ptr<const DicomwebContext> context,
                        int max_size) {
  for (const char* pattern :
       {"/dicom-web/studies/{study}/thumbnail",
        "/dicom-web/studies/{study}/series/{series}/thumbnail",
        "/dicom-web/studies/{study}/series/{series}/instances/{instance}/thumbnail",
        "/dicom-web/studies/{study}/series/{series}/instances/{instance}/frames/{frames}/"
        "thumbnail"}) {
    router.Add("GET", pattern, RouteAccess::kRead,
               [context, max_size](const HttpRequest& request, const PathParams& params) {
                 return Thumbnail(*context, max_size, request, params);
               });
  }
}

}  // namespace pixeldex::server
