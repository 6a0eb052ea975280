#include "server/dicomweb/stow_service.h"

#include <deque>
#include <future>
#include <optional>

#include "catalog/common/log.h"
#include "catalog/import/dicom_sniffer.h"
#include "catalog/import/file_copy.h"
#include "catalog/storage/incoming_file.h"
#include "server/association/counted_ingest.h"
#include "server/dicomweb/accept_header.h"
#include "server/dicomweb/mapped_body.h"
#include "server/dicomweb/media_type.h"
#include "server/dicomweb/multipart_reader.h"
#include "server/dicomweb/service_root.h"
#include "server/dicomweb/stow_response.h"
#include "server/dicomweb/uid_segment.h"
#include "server/dimse/dimse_status.h"
#include "server/dimse/store_service.h"

namespace pixeldex::server {
namespace {

constexpr const char* kDicomMediaType = "application/dicom";
// PS3.18 Table I.2-2 (PS3.4 B.2.3).
constexpr uint16_t kCannotUnderstand = 0xC000;
constexpr uint16_t kOutOfResources = 0xA700;
// Parts being stored at the same time: the pipeline is shared by concurrent
// stores and overlaps their work (one store's fsync with another's parsing
// and thumbnail, index rows group-committed), as for concurrent C-STORE
// associations.
constexpr size_t kPartsInFlight = 4;

// PS3.18 10.5.1.1, RFC 2387: the boundary of a multipart/related body of
// DICOM files; otherwise the response that refuses the request.
std::optional<HttpResponse> CheckContentType(const std::string& content_type,
                                             std::string* boundary) {
  auto media = ParseMediaType(content_type);
  if (!media.ok()) {
    return content_type.empty()
               ? HttpResponse::Text(415,
                                    "STOW-RS needs Content-Type: multipart/related; "
                                    "type=\"application/dicom\"; boundary=...")
               : HttpResponse::Text(400, media.status().message());
  }
  std::string root_type = media->Parameter("type");
  if (auto parsed = ParseMediaType(root_type); parsed.ok()) root_type = parsed->type;
  if (media->type != "multipart/related" || (!root_type.empty() && root_type != kDicomMediaType)) {
    return HttpResponse::Text(
        415,
        "only multipart/related; type=\"application/dicom\" is accepted (the metadata and "
        "bulk data form of PS3.18 10.5.1.2 is not implemented), not " +
            content_type);
  }
  *boundary = media->Parameter("boundary");
  if (boundary->empty())
    return HttpResponse::Text(400, "the multipart Content-Type has no boundary");
  return std::nullopt;
}

StowPartResult Failure(StowPartResult result, uint16_t status, std::string reason) {
  result.status = status;
  result.reason = std::move(reason);
  return result;
}

// Writes one part to the incoming directory and runs it through the ingest
// pipeline; `study` is the Study Instance UID of the URL ("" for /studies).
StowPartResult StorePart(const ServerContext& server, const MultipartPart& part,
                         const std::string& study) {
  StowPartResult result;
  if (!part.problem.empty()) return Failure(result, kCannotUnderstand, part.problem);
  if (const std::string type = part.Header("content-type"); !type.empty()) {
    auto media = ParseMediaType(type);
    if (!media.ok() || media->type != kDicomMediaType) {
      return Failure(result, kCannotUnderstand, "part is not application/dicom: " + type);
    }
  }
  // PS3.10 7.1: the File Meta Information names the instance, as a C-STORE
  // request does; the pipeline checks the data set against it.
  result.sop_class_uid = import::FileMetaValue(part.content, import::kMediaStorageSopClassUid);
  result.sop_instance_uid =
      import::FileMetaValue(part.content, import::kMediaStorageSopInstanceUid);
  const auto kind = import::ClassifyDicomPrefix(part.content.substr(0, import::kSniffBytes),
                                                static_cast<int64_t>(part.content.size()));
  if (kind != import::DicomKind::kPart10) {
    return Failure(result, kCannotUnderstand, "part is not a DICOM PS3.10 instance");
  }
  if (auto shortfall = FreeSpaceShortfall(server.store, server.settings.storage.min_free_mb)) {
    return Failure(result, kOutOfResources, *shortfall);
  }
  // Removed when it cannot be written; the pipeline owns it after that.
  storage::IncomingFile incoming = storage::NewIncomingFile(server.store);
  const Status written = import::WriteFileContents(incoming.path(), part.content);
  if (!written.ok()) {
    return Failure(result, DimseStatusFor(DimseService::kStore, written), written.message());
  }
  ingest::IngestRequest request;
  request.incoming_path = std::move(incoming).Release();
  request.expected_sop_class_uid = result.sop_class_uid;
  request.expected_sop_instance_uid = result.sop_instance_uid;
  request.expected_study_instance_uid = study;
  request.provenance.source = ProvenanceSource::kDicomweb;
  auto outcome = CountedIngest(server, request);
  if (!outcome.ok()) {
    return Failure(result, DimseStatusFor(DimseService::kStore, outcome.status()),
                   outcome.status().message());
  }
  result.sop_class_uid = outcome->sop_class_uid;
  result.sop_instance_uid = outcome->sop_instance_uid;
  result.study_instance_uid = outcome->study_instance_uid;
  result.series_instance_uid = outcome->series_instance_uid;
  return result;
}

HttpResponse Store(const StowContext& context, const HttpRequest& request,
                   const PathParams& params) {
  if (!AcceptsDicomJson(request.Header("accept"))) {
    return HttpResponse::Text(406, "the Store Instances Response is application/dicom+json only");
  }
  std::string study;
  if (auto it = params.find("study"); it != params.end()) {
    auto uid = ValidUidSegment(it->second, "Study Instance UID");
    if (!uid.ok()) return HttpResponse::Text(400, uid.status().message());
    study = *uid;
  }
  std::string boundary;
  if (auto refusal = CheckContentType(request.Header("content-type"), &boundary)) {
    return *refusal;
  }
  auto body = MappedBody::Open(request);
  if (!body.ok()) {
    LogError("STOW-RS: {}", body.status().ToString());
    return HttpResponse::Text(500, "cannot read the request body");
  }
  auto reader = MultipartReader::Open(body->view(), boundary);
  if (!reader.ok()) return HttpResponse::Text(400, reader.status().message());

  // Parts are read in order from the body (spooled to a file, mapped: read
  // once) and stored up to kPartsInFlight at a time; results keep the
  // parts' order, and what is stored leaves memory. The answer waits for
  // every part.
  struct StoringPart {
    std::future<StowPartResult> result;
    size_t end = 0;  // where the part ends in the body
  };
  std::deque<StoringPart> storing;
  std::vector<StowPartResult> results;
  auto finish_oldest = [&] {
    results.push_back(storing.front().result.get());
    body->Release(storing.front().end);
    storing.pop_front();
  };
  bool last_whole = false;
  while (std::optional<MultipartPart> part = reader->Next()) {
    last_whole = part->problem.empty();
    if (storing.size() == kPartsInFlight) finish_oldest();
    storing.push_back({std::async(std::launch::async,
                                  [&server = context.server, part = std::move(*part), &study] {
                                    return StorePart(server, part, study);
                                  }),
                       reader->position()});
  }
  while (!storing.empty()) finish_oldest();
  if (results.empty()) return HttpResponse::Text(400, "the multipart body holds no parts");
  if (!reader->closed() && last_whole) {
    results.push_back(Failure({}, kCannotUnderstand,
                              "the body ends without its close delimiter: it may be truncated"));
  }
  size_t failed = 0;
  for (const StowPartResult& r : results) {
    if (r.status == 0) continue;
    ++failed;
    LogError("STOW-RS part sop={}: failure reason {:04X}: {}", r.sop_instance_uid, r.status,
             r.reason);
    RecordStoreFailure(context.server, r.sop_instance_uid, "", r.status, r.reason);
  }
  LogInfo("STOW-RS: {} instance(s) stored, {} failed", results.size() - failed, failed);
  return StoreInstancesResponse(results, ServiceRoot(request, context.scheme));
}

}  // namespace

void AddStowRoutes(Router& router, std::shared_ptr<const StowContext> context) {
  for (const char* pattern : {"/dicom-web/studies", "/dicom-web/studies/{study}"}) {
    router.Add("POST", pattern, RouteAccess::kWrite,
               [context](const HttpRequest& request, const PathParams& params) {
                 return Store(*context, request, params);
               });
  }
}

}  // namespace pixeldex::server
