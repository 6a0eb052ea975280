#include "server/dicomweb/wado_frames_service.h"

#include "catalog/thumbnail/frame_layout.h"
#include "server/dicomweb/frame_list.h"
#include "server/dicomweb/multipart_body.h"
#include "server/dicomweb/retrieve_syntax.h"
#include "server/dicomweb/stored_instance.h"

namespace pixeldex::server {

HttpResponse FramesResponse(const StoredInstance& instance, const std::string& accept,
                            const std::vector<int>& numbers) {
  auto representation =
      ChooseFrameRepresentation(MultipartPartChoices(accept, "application/octet-stream"),
                                instance.stored.transfer_syntax_uid);
  if (!representation.ok()) return HttpResponse::Text(406, representation.status().message());
  auto layout = thumbnail::ReadFrameLayout(instance.dataset());
  if (!layout.ok()) return HttpResponse::Text(404, "the instance has no usable pixel data");
  std::vector<int> frames = numbers;
  for (int number = 1; numbers.empty() && number <= layout->number_of_frames; ++number) {
    frames.push_back(number);
  }
  MultipartBody body;
  for (int number : frames) {
    if (number > layout->number_of_frames) {
      return HttpResponse::Text(404, "frame " + std::to_string(number) + " does not exist: " +
                                         std::to_string(layout->number_of_frames) + " frames");
    }
    auto bytes = ReadServedFrame(instance.dataset(), *layout, instance.stored.transfer_syntax_uid,
                                 representation->compressed, number);
    if (!bytes.ok()) return InstanceFailure(bytes.status(), "reading a frame");
    body.AddBytes(representation->content_type, std::move(bytes).value());
  }
  return body.Respond(representation->content_type);
}

namespace {

HttpResponse Frames(const DicomwebContext& context, const HttpRequest& request,
                    const PathParams& params) {
  auto numbers = ParseFrameList(params.at("frames"));
  if (!numbers.ok()) return HttpResponse::Text(400, numbers.status().message());
  InstanceOfPath opened = OpenInstanceOfPath(context, params, "reading frames");
  if (!opened.instance) return opened.refusal;
  return FramesResponse(*opened.instance, request.Header("accept"), *numbers);
}

}  // namespace

void AddWadoFramesRoutes(Router& router, std::shared_ptr<const DicomwebContext> context) {
  router.Add("GET",
             "/dicom-web/studies/{study}/series/{series}/instances/{instance}/frames/{frames}",
             RouteAccess::kRead, [context](const HttpRequest& request, const PathParams& params) {
               return Frames(*context, request, params);
             });
}

}  // namespace pixeldex::server
