#include "server/dicomweb/delete_service.h"

#include <mutex>
#include <string>
#include <vector>

#include "catalog/common/log.h"
#include "catalog/index/stored_files.h"
#include "catalog/reconcile/instance_deleter.h"
#include "server/dicomweb/uid_segment.h"

namespace pixeldex::server {
namespace {

struct DeleteContext {
  const ServerContext& server;
  std::mutex one_at_a_time;
};

HttpResponse Delete(DeleteContext& context, const HttpRequest& request, const PathParams& params,
                    const std::string& caller) {
  auto scope = ScopeOfPath(params);
  if (!scope.ok()) return HttpResponse::Text(400, scope.status().message());
  std::lock_guard lock(context.one_at_a_time);
  std::vector<index::StoredFile> files;
  {
    auto reader = context.server.open_reader();
    if (!reader.ok()) {
      LogError("DICOMweb DELETE: cannot open the index: {}", reader.status().ToString());
      return HttpResponse::Text(503, "the index cannot be read");
    }
    auto listed = index::ListStoredFiles(reader->db(), *scope);
    if (!listed.ok()) {
      LogError("DICOMweb DELETE: listing stored files failed: {}", listed.status().ToString());
      return HttpResponse::Text(500, "reading the index failed");
    }
    files = std::move(listed).value();
  }
  if (files.empty()) return HttpResponse::Text(404, "no such study, series or instance");
  const std::string who_and_why =
      "user " + (caller.empty() ? std::string("anonymous") : caller) + ": DICOMweb DELETE " +
      request.Path();
  storage::FileStore& store = context.server.store;
  std::string failures;
  for (const index::StoredFile& file : files) {
    const Status status =
        reconcile::DeleteInstance(store.file_system(), store.layout(), context.server.writer,
                                  {file.sop_instance_uid, file.path}, who_and_why);
    if (status.ok()) continue;
    LogError("DICOMweb DELETE of {} failed: {}", file.sop_instance_uid, status.ToString());
    failures += file.sop_instance_uid + ": " + status.message() + "\n";
  }
  LogInfo("{}: {} instance(s)", who_and_why, files.size());
  if (!failures.empty()) return HttpResponse{500, "text/plain; charset=utf-8", failures};
  return HttpResponse{204, "text/plain; charset=utf-8", ""};
}

}  // namespace

void AddDeleteRoutes(Router& router, const ServerContext& server) {
  auto context = std::make_shared<DeleteContext>(server);
  for (const char* pattern :
       {"/dicom-web/studies/{study}", "/dicom-web/studies/{study}/series/{series}",
        "/dicom-web/studies/{study}/series/{series}/instances/{instance}"}) {
    router.AddWithCaller("DELETE", pattern, RouteAccess::kWrite,
                         [context](const HttpRequest& request, const PathParams& params,
                                   const std::string& caller) {
                           return Delete(*context, request, params, caller);
                         });
  }
}

}  // namespace pixeldex::server
