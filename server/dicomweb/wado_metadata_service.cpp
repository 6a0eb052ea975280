#include "server/dicomweb/wado_metadata_service.h"

#include "catalog/common/log.h"
#include "catalog/index/header_reader.h"
#include "server/dicomweb/accept_header.h"
#include "server/dicomweb/service_root.h"
#include "server/dicomweb/uid_segment.h"

namespace pixeldex::server {
namespace {

// The stored header, its relative "BulkDataURI": "bulkdata/GGGGEEEE" made
// absolute against the instance's URL (PS3.18 F.2.6 requires a URI the
// client can dereference; the bulk data service serves it).
void AppendWithBulkDataUris(std::string& out, std::string_view json,
                            const std::string& instance_url) {
  static constexpr std::string_view kRelative = "\"BulkDataURI\":\"bulkdata/";
  size_t at = 0;
  for (size_t found; (found = json.find(kRelative, at)) != std::string_view::npos;) {
    out.append(json.substr(at, found - at));
    out += "\"BulkDataURI\":\"" + instance_url + "bulkdata/";
    at = found + kRelative.size();
  }
  out.append(json.substr(at));
}

HttpResponse Metadata(const DicomwebContext& context, const HttpRequest& request,
                      const PathParams& params) {
  if (!AcceptsDicomJson(request.Header("accept"))) {
    return HttpResponse::Text(406, "metadata is served as application/dicom+json only");
  }
  auto scope = ScopeOfPath(params);
  if (!scope.ok()) return HttpResponse::Text(400, scope.status().message());
  auto db = context.open_reader();
  if (!db.ok()) {
    LogError("wado: cannot open the index: {}", db.status().ToString());
    return HttpResponse::Text(503, "the index cannot be read");
  }
  std::string body = "[";
  std::string root = ServiceRoot(request, context.scheme);
  if (root.empty()) root = "/dicom-web";
  auto count = index::ForEachHeader(db->db(), *scope, [&](const index::StoredHeader& header) {
    if (body.size() > 1) body += ',';
    AppendWithBulkDataUris(body, header.json,
                           root + "/studies/" + scope->study + "/series/" + header.series_uid +
                               "/instances/" + header.sop_instance_uid + "/");
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
  for (const char* pattern :
       {"/dicom-web/studies/{study}/metadata",
        "/dicom-web/studies/{study}/series/{series}/metadata",
        "/dicom-web/studies/{study}/series/{series}/instances/{instance}/metadata"}) {
    router.Add("GET", pattern, RouteAccess::kRead,
               [context](const HttpRequest& request, const PathParams& params) {
                 return Metadata(*context, request, params);
               });
  }
}

}  // namespace pixeldex::server
