#include "server/dicomweb/wado_metadata_service.h"

#include "catalog/common/log.h"
#include "catalog/index/header_reader.h"
#include "server/dicomweb/accept_header.h"
#include "server/dicomweb/uid_segment.h"

namespace pixeldex::server {
namespace {

HttpResponse Metadata(const DicomwebContext& context, const HttpRequest& request,
                      const PathParams& params) {
  if (!AcceptsDicomJson(request.Header("accept"))) {
    return HttpResponse::Text(406, "metadata is served as application/dicom+json only");
  }
  auto uids = ValidResourceUids(params);
  if (!uids.ok()) return HttpResponse::Text(400, uids.status().message());
  auto db = context.open_reader();
  if (!db.ok()) {
    LogError("wado: cannot open the index: {}", db.status().ToString());
    return HttpResponse::Text(503, "the index cannot be read");
  }
  std::string body = "[";
  auto count = index::ForEachHeader(*db, uids->study, uids->series, uids->instance, [&](std::string_view json) {
    if (body.size() > 1) body += ',';
    body.append(json);
  });
  if (!count.ok()) {
    LogError("wado: reading headers failed: {}", count.status().ToString());
    return HttpResponse::Text(500, "reading the metadata failed");
  }
  if (*count == 0) return HttpResponse::Text(404, "no such study, series or instance");
  return HttpResponse{200, "application/dicom+json", body + "]"};
}

}  // namespace

void AddWadoMetadataRoutes(Router& router, std::shared_ptr<const DicomwebContext> context) {
  for (const char* pattern : {"/dicom-web/studies/{study}/metadata",
                              "/dicom-web/studies/{study}/series/{series}/metadata",
                              "/dicom-web/studies/{study}/series/{series}/instances/{instance}/metadata"}) {
    router.Add("GET", pattern, RouteAccess::kRead,
               [context](const HttpRequest& request, const PathParams& params) {
                 return Metadata(*context, request, params);
               });
  }
}

}  // namespace pixeldex::server
