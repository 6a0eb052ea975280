#include "server/dicomweb/delete_service.h"

#include <mutex>
#include <string>
#include <vector>

#include "catalog/common/log.h"
#include "catalog/index/postgres/archive_reads_of.h"
#include "catalog/query/instance_reads.h"
#include "catalog/reconcile/instance_deleter.h"
#include "catalog/reconcile/study_protection.h"
#include "server/dicomweb/uid_segment.h"

namespace pixeldex::server {
namespace {

struct DeleteContext {
  const ServerContext& server;
  std::mutex one_at_a_time;
};

// 409 Conflict for a resource of a protected study, as PS3.18 answers a
// request the target's state forbids (11.8.3, Table 11.8.3-1: UPS-RS Cancel
// of a completed workitem; 8.5 for the status codes of every service): the
// payload a status report saying why and what to do (RFC 9110 15.5.10), the
// reason also in a Warning header field as PS3.18 13.4.3.2 recommends. The
// header carries only the validated UID, never the protect reason (free
// text, so no header injection); the text/plain body carries both.
HttpResponse Refusal(const reconcile::StudyProtection& protection) {
  HttpResponse response =
      HttpResponse::Text(409, "DELETE refused: " + reconcile::RefusalMessage(protection));
  response.AddWarning("study " + protection.study_instance_uid +
                      " is protected; unprotect it first");
  return response;
}

HttpResponse Delete(DeleteContext& context, const HttpRequest& request, const PathParams& params,
                    const std::string& caller) {
  auto scope = ScopeOfPath(params);
  if (!scope.ok()) return HttpResponse::Text(400, scope.status().message());
  std::lock_guard lock(context.one_at_a_time);
  const std::string user = caller.empty() ? std::string("anonymous") : caller;
  std::vector<query::StoredFile> files;
  {
    auto reader = context.server.open_find_reader();
    if (!reader.ok()) {
      LogError("DICOMweb DELETE: cannot open the index: {}", reader.status().ToString());
      return HttpResponse::Text(503, "the index cannot be read");
    }
    auto listed = query::ListStoredFiles(**reader, *scope);
    if (!listed.ok()) {
      LogError("DICOMweb DELETE: listing stored files failed: {}", listed.status().ToString());
      return HttpResponse::Text(500, "reading the index failed");
    }
    files = std::move(listed).value();
  }
  if (files.empty()) return HttpResponse::Text(404, "no such study, series or instance");
  auto reads = index::OpenArchiveReads(context.server.settings.storage.index);
  if (!reads.ok()) {
    LogError("DICOMweb DELETE: cannot open the index: {}", reads.status().ToString());
    return HttpResponse::Text(503, "the index cannot be read");
  }
  auto protections = reconcile::ProtectionsOf(**reads, {scope->study});
  if (!protections.ok()) {
    LogError("DICOMweb DELETE: reading protected_studies failed: {}",
             protections.status().ToString());
    return HttpResponse::Text(500, "reading the index failed");
  }
  if (!protections->empty()) {
    LogWarning({{"user", user},
                {"study_instance_uid", scope->study},
                {"series_instance_uid", scope->series},
                {"sop_instance_uid", scope->sop_instance}},
               "DICOMweb DELETE {} refused for user {}: {}", request.Path(), user,
               reconcile::RefusalMessage(protections->front()));
    return Refusal(protections->front());
  }
  const std::string who_and_why = "user " + user + ": DICOMweb DELETE " + request.Path();
  storage::FileStore& store = context.server.store;
  std::string failures;
  for (const query::StoredFile& file : files) {
    const Status status =
        reconcile::DeleteInstance(store.file_system(), store.layout(), context.server.writer,
                                  {file.sop_instance_uid}, who_and_why);
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
