#include "server/dicomweb/wado_retrieve_service.h"

#include "catalog/common/log.h"
#include "catalog/query/instance_reads.h"
#include "server/dicomweb/converted_instance.h"
#include "server/dicomweb/media_type.h"
#include "server/dicomweb/multipart_body.h"
#include "server/dicomweb/retrieve_syntax.h"
#include "server/dicomweb/stored_file_path.h"
#include "server/dicomweb/uid_segment.h"

namespace pixeldex::server {
namespace {

HttpResponse Retrieve(const DicomwebContext& context, const HttpRequest& request,
                      const PathParams& params) {
  auto scope = ScopeOfPath(params);
  if (!scope.ok()) return HttpResponse::Text(400, scope.status().message());
  const std::vector<PartChoice> choices =
      MultipartPartChoices(request.Header("accept"), kDicomMediaType);
  auto reader = context.open_index_reader();
  if (!reader.ok()) {
    LogError("wado: cannot open the index: {}", reader.status().ToString());
    return HttpResponse::Text(503, "the index cannot be read");
  }
  auto files = query::ListStoredFiles(**reader, *scope);
  if (!files.ok()) {
    LogError("wado: listing stored files failed: {}", files.status().ToString());
    return HttpResponse::Text(500, "reading the index failed");
  }
  if (files->empty()) return HttpResponse::Text(404, "no such study, series or instance");
  MultipartBody body;
  for (const query::StoredFile& stored : *files) {
    auto syntax = ChooseTransferSyntax(choices, kDicomMediaType, stored.transfer_syntax_uid);
    if (!syntax.ok()) return HttpResponse::Text(406, syntax.status().message());
    auto path = StoredFilePath(context.storage_root, stored);
    if (!path.ok()) {
      LogError("wado: instance {}: {}", stored.sop_instance_uid, path.status().ToString());
      return HttpResponse::Text(500, "a stored file cannot be read");
    }
    const std::string type =
        std::string(kDicomMediaType) + "; transfer-syntax=" + syntax->transfer_syntax;
    if (syntax->convert) {
      body.AddProduced(
          type, [file = *path, uid = syntax->transfer_syntax] { return ReadConverted(file, uid); });
    } else {
      body.AddFile(type, *path, stored.size_bytes);
    }
  }
  return body.Respond(kDicomMediaType);
}

}  // namespace

void AddWadoRetrieveRoutes(Router& router, std::shared_ptr<const DicomwebContext> context) {
  for (const char* pattern :
       {"/dicom-web/studies/{study}", "/dicom-web/studies/{study}/series/{series}",
        "/dicom-web/studies/{study}/series/{series}/instances/{instance}"}) {
    router.Add("GET", pattern, RouteAccess::kRead,
               [context](const HttpRequest& request, const PathParams& params) {
                 return Retrieve(*context, request, params);
               });
  }
}

}  // namespace pixeldex::server
