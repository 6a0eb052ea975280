#include "server/dicomweb/thumbnail_service.h"

#include "catalog/common/log.h"
#include "catalog/index/thumbnail_store.h"
#include "server/dicomweb/uid_segment.h"

namespace pixeldex::server {
namespace {

HttpResponse Thumbnail(const DicomwebContext& context, const PathParams& params) {
  auto uids = ScopeOfPath(params);
  if (!uids.ok()) return HttpResponse::Text(400, uids.status().message());
  auto db = context.open_reader();
  if (!db.ok()) {
    LogError("thumbnail: cannot open the index: {}", db.status().ToString());
    return HttpResponse::Text(503, "the index cannot be read");
  }
  auto png = index::FindRepresentativeThumbnail(db->db(), uids->study, uids->series, uids->sop_instance);
  if (!png.ok()) {
    LogError("thumbnail: reading the index failed: {}", png.status().ToString());
    return HttpResponse::Text(500, "reading the thumbnail failed");
  }
  if (!png->has_value()) return HttpResponse::Text(404, "no thumbnail for this resource");
  HttpResponse response{200, "image/png", std::move(**png)};
  const bool instance = !uids->sop_instance.empty();
  response.AddHeader("Cache-Control",
                     instance ? "private, max-age=86400, immutable" : "private, max-age=60");
  return response;
}

}  // namespace

void AddThumbnailRoutes(Router& router, std::shared_ptr<const DicomwebContext> context) {
  for (const char* pattern :
       {"/dicom-web/studies/{study}/thumbnail",
        "/dicom-web/studies/{study}/series/{series}/thumbnail",
        "/dicom-web/studies/{study}/series/{series}/instances/{instance}/thumbnail"}) {
    router.Add("GET", pattern, RouteAccess::kRead,
               [context](const HttpRequest&, const PathParams& params) {
                 return Thumbnail(*context, params);
               });
  }
}

}  // namespace pixeldex::server
