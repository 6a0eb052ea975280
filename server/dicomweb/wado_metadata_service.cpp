#include "server/dicomweb/wado_metadata_service.h"

#include "catalog/common/log.h"
#include "catalog/query/instance_reads.h"
#include "server/dicomweb/accept_header.h"
#include "server/dicomweb/service_root.h"
#include "server/dicomweb/uid_segment.h"

namespace pixeldex::server {
namespace {

// The stored header, its relative "BulkDataURI": "bulkdata/GGGGEEEE" made
// absolute against the instance's URL (PS3.18 F.2.6 requires a URI the
// client can dereference; the bulk data service serves it). The rest of the
// stored text is already DICOM JSON (PS3.18 F.2) and is copied as it is;
// PostgreSQL's jsonb prints a space after the key's ':', SQLite's text has
// none.
void AppendWithBulkDataUris(std::string& out, std::string_view json,
                            std::string_view instance_url) {
  static constexpr std::string_view kKey = "\"BulkDataURI\":";
  static constexpr std::string_view kRelative = "\"bulkdata/";
  size_t at = 0;
  for (size_t found; (found = json.find(kKey, at)) != std::string_view::npos;) {
    size_t value = found + kKey.size();
    if (value < json.size() && json[value] == ' ') ++value;
    out.append(json.substr(at, value - at));
    at = value;
    if (json.substr(value, kRelative.size()) != kRelative) continue;
    out.append("\"").append(instance_url).append("bulkdata/");
    at = value + kRelative.size();
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
  auto reader = context.open_index_reader();
  if (!reader.ok()) {
    LogError("wado: cannot open the index: {}", reader.status().ToString());
    return HttpResponse::Text(503, "the index cannot be read");
  }
  std::string root = ServiceRoot(request, context.scheme);
  if (root.empty()) root = "/dicom-web";
  // Every instance's URL starts with this; the series and instance follow.
  const std::string series_url = root + "/studies/" + scope->study + "/series/";
  auto size = query::SizeOfHeaders(**reader, *scope);
  if (!size.ok()) {
    LogError("wado: sizing the metadata failed: {}", size.status().ToString());
    return HttpResponse::Text(500, "reading the metadata failed");
  }
  if (size->count == 0) return HttpResponse::Text(404, "no such study, series or instance");
  // Built in one allocation (a growing buffer of megabytes cost most of the
  // time in copies and page faults): the stored texts, the brackets and
  // commas, and room for one absolute BulkDataURI (the pixel data's) per
  // instance; more only grow the buffer.
  constexpr size_t kUidBytes = 64;  // PS3.5 9.1
  HttpResponse response{200, "application/dicom+json", "["};
  std::string& body = response.body;
  body.reserve(2 + size->bytes + size->count * (1 + series_url.size() + 2 * kUidBytes + 16));
  std::string instance_url;
  auto count = query::ForEachHeader(**reader, *scope, [&](const query::StoredHeader& header) {
    if (body.size() > 1) body += ',';
    instance_url.assign(series_url)
        .append(header.series_uid)
        .append("/instances/")
        .append(header.sop_instance_uid)
        .append("/");
    AppendWithBulkDataUris(body, header.json, instance_url);
  });
  if (!count.ok()) {
    LogError("wado: reading headers failed: {}", count.status().ToString());
    return HttpResponse::Text(500, "reading the metadata failed");
  }
  if (*count == 0) return HttpResponse::Text(404, "no such study, series or instance");
  body += ']';
  return response;
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
