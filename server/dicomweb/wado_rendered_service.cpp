#include "server/dicomweb/wado_rendered_service.h"

#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>

#include "catalog/common/log.h"
#include "catalog/query/instance_reads.h"
#include "server/dicomweb/frame_list.h"
#include "server/dicomweb/multipart_body.h"
#include "server/dicomweb/rendered_image.h"
#include "server/dicomweb/rendered_params.h"
#include "server/dicomweb/stored_file_path.h"
#include "server/dicomweb/stored_instance.h"
#include "server/dicomweb/uid_segment.h"

namespace pixeldex::server {
namespace {

E_TransferSyntax StoredSyntax(const query::StoredFile& stored) {
  return DcmXfer(stored.transfer_syntax_uid.c_str()).getXfer();
}

Result<RenderedParams> ParamsOfQuery(const HttpRequest& request) {
  auto query = ParseQueryString(request.Query());
  if (!query.ok()) return query.status();
  return ParseRenderedParams(*query);
}

HttpResponse RenderedInstance(const DicomwebContext& context, const HttpRequest& request,
                              const PathParams& params) {
  int frame = 1;
  if (auto it = params.find("frames"); it != params.end()) {
    auto numbers = ParseFrameList(it->second);
    if (!numbers.ok()) return HttpResponse::Text(400, numbers.status().message());
    if (numbers->size() != 1) return HttpResponse::Text(400, "a rendered frame is one frame");
    frame = numbers->front();
  }
  auto rendered = ParamsOfQuery(request);
  if (!rendered.ok()) return HttpResponse::Text(400, rendered.status().message());
  auto media_type = ChooseRenderedMediaType(request.Header("accept"));
  if (!media_type.ok()) return HttpResponse::Text(406, media_type.status().message());
  InstanceOfPath opened = OpenInstanceOfPath(context, params, "rendering");
  if (!opened.instance) return opened.refusal;
  std::optional<StoredInstance>& instance = opened.instance;
  if (frame > std::max(1, instance->stored.number_of_frames)) {
    return HttpResponse::Text(404, "frame " + std::to_string(frame) + " does not exist");
  }
  auto encoded = RenderEncodedFrame(instance->dataset(), StoredSyntax(instance->stored), frame - 1,
                                    *rendered, *media_type);
  if (!encoded.ok()) return InstanceFailure(encoded.status(), "rendering");
  return HttpResponse{200, *media_type, std::move(encoded).value()};
}

// One instance of a rendered study or series, as its rendered instance
// resource shows it (first frame); nullopt for an instance with nothing to
// render (no Pixel Data: a report, a presentation state) or pixels pixeldex
// cannot render (video), which the payload leaves out.
Result<std::optional<std::string>> RenderMember(const std::filesystem::path& storage_root,
                                                const query::StoredFile& stored,
                                                const RenderedParams& params,
                                                const std::string& media_type) {
  auto path = StoredFilePath(storage_root, stored);
  if (!path.ok()) return path.status();
  auto file = LoadStoredFile(*path);
  if (!file.ok()) return file.status();
  auto encoded =
      RenderEncodedFrame(*(*file)->getDataset(), StoredSyntax(stored), 0, params, media_type);
  if (encoded.ok()) return std::optional<std::string>(std::move(encoded).value());
  const Status::Code code = encoded.status().code();
  if (code == Status::Code::kNotFound || code == Status::Code::kUnsupported) {
    return std::optional<std::string>();
  }
  return encoded.status();
}

// A rendered study or series (PS3.18 10.4.1.1.3, Table 10.4.1-3): every
// instance's rendered representation, one part each, in series and instance
// order. The first is rendered before the answer starts (404 when no
// instance has pixels to render), the others as the payload is sent (one
// image in memory at a time).
HttpResponse RenderedStudyOrSeries(const DicomwebContext& context, const HttpRequest& request,
                                   const PathParams& params) {
  auto scope = ScopeOfPath(params);
  if (!scope.ok()) return HttpResponse::Text(400, scope.status().message());
  auto rendered = ParamsOfQuery(request);
  if (!rendered.ok()) return HttpResponse::Text(400, rendered.status().message());
  auto media_type = ChooseRenderedPartType(request.Header("accept"));
  if (!media_type.ok()) return HttpResponse::Text(406, media_type.status().message());
  auto reader = context.open_index_reader();
  if (!reader.ok()) return InstanceFailure(Status::IoError(reader.status().message()), "rendering");
  auto files = query::ListStoredFiles(**reader, *scope);
  if (!files.ok()) return InstanceFailure(files.status(), "listing a rendered resource");
  if (files->empty()) return HttpResponse::Text(404, "no such study or series");
  MultipartBody body;
  auto member = files->begin();
  for (; member != files->end() && body.parts() == 0; ++member) {
    auto first = RenderMember(context.storage_root, *member, *rendered, *media_type);
    if (!first.ok()) return InstanceFailure(first.status(), "rendering");
    if (first->has_value()) body.AddBytes(*media_type, std::move(**first));
  }
  if (body.parts() == 0) return HttpResponse::Text(404, "no instance here has pixels to render");
  for (; member != files->end(); ++member) {
    body.AddOptional(*media_type, [root = context.storage_root, stored = std::move(*member),
                                   params = *rendered, type = *media_type] {
      auto made = RenderMember(root, stored, params, type);
      if (!made.ok()) {
        LogError("wado: rendering instance {}: {}", stored.sop_instance_uid,
                 made.status().ToString());
      }
      return made;
    });
  }
  return body.Respond(*media_type);
}

}  // namespace

void AddWadoRenderedRoutes(Router& router, std::shared_ptr<const DicomwebContext> context) {
  for (const char* pattern :
       {"/dicom-web/studies/{study}/series/{series}/instances/{instance}/rendered",
        "/dicom-web/studies/{study}/series/{series}/instances/{instance}/frames/{frames}/"
        "rendered"}) {
    router.Add("GET", pattern, RouteAccess::kRead,
               [context](const HttpRequest& request, const PathParams& params) {
                 return RenderedInstance(*context, request, params);
               });
  }
  for (const char* pattern : {"/dicom-web/studies/{study}/rendered",
                              "/dicom-web/studies/{study}/series/{series}/rendered"}) {
    router.Add("GET", pattern, RouteAccess::kRead,
               [context](const HttpRequest& request, const PathParams& params) {
                 return RenderedStudyOrSeries(*context, request, params);
               });
  }
}

}  // namespace pixeldex::server
