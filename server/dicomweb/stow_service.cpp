#include "server/dicomweb/stow_service.h"

#include <optional>
#include <vector>

#include "catalog/common/log.h"
#include "server/association/counted_ingest.h"
#include "server/dicomweb/accept_header.h"
#include "server/dicomweb/media_type.h"
#include "server/dicomweb/multipart_reader.h"
#include "server/dicomweb/service_root.h"
#include "server/dicomweb/stow_receiver.h"
#include "server/dicomweb/stow_response.h"
#include "server/dicomweb/uid_segment.h"

namespace pixeldex::server {
namespace {

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

// Feeds the request's body to `parser` as it arrives (or at once, when it
// was read whole before the handler ran).
Status FeedBody(const HttpRequest& request, MultipartParser& parser, MultipartSink& sink) {
  if (!request.body_stream) {
    parser.Feed(request.body, sink);
    return Status::Ok();
  }
  std::string_view chunk;
  for (;;) {
    PIXELDEX_RETURN_IF_ERROR(request.body_stream->Read(chunk));
    if (chunk.empty()) return Status::Ok();
    parser.Feed(chunk, sink);
  }
}

// The answer to a body that ended early, when the HTTP layer has one
// (RFC 9110 15.5.9, 15.5.14); a closed connection gets the Store Instances
// Response, which no one may read, and the log says what was stored.
std::optional<HttpResponse> BodyFailureResponse(BodyFailure failure, const Status& received,
                                                size_t stored) {
  const std::string stored_note =
      "; " + std::to_string(stored) + " whole instance(s) before it were stored";
  switch (failure) {
    case BodyFailure::kTimedOut:
      return HttpResponse::Text(408, received.message() + stored_note);
    case BodyFailure::kTooLarge:
      return HttpResponse::Text(413, received.message() + stored_note);
    case BodyFailure::kMalformed:
      return HttpResponse::Text(400, received.message() + stored_note);
    case BodyFailure::kNone:
    case BodyFailure::kClosed:
      break;
  }
  return std::nullopt;
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
  auto parser = MultipartParser::Create(boundary);
  if (!parser.ok()) return HttpResponse::Text(400, parser.status().message());

  // Each part is written to its incoming file as it arrives and stored once
  // its delimiter is seen, while the next arrives (stow_receiver.h); a part
  // the body ends inside is removed by Finish. The answer waits for every
  // part.
  StowReceiver receiver(context.server, *context.part_workers, study);
  const Status received = FeedBody(request, *parser, receiver);
  const Status parsed = parser->Finish(receiver);
  std::vector<StowPartResult> results = receiver.Results(parser->closed() || !received.ok());
  if (received.ok() && !parsed.ok()) return HttpResponse::Text(400, parsed.message());
  if (received.ok() && results.empty()) {
    return HttpResponse::Text(400, "the multipart body holds no parts");
  }
  size_t failed = 0;
  for (const StowPartResult& r : results) {
    if (r.status == 0) continue;
    ++failed;
    LogError("STOW-RS part sop={}: failure reason {:04X}: {}", r.sop_instance_uid, r.status,
             r.reason);
    RecordStoreFailure(context.server, r.sop_instance_uid, "", r.status, r.reason);
  }
  const size_t stored = results.size() - failed;
  if (!received.ok()) {
    LogError("STOW-RS: the request body ended early ({}); {} instance(s) stored, {} failed",
             received.message(), stored, failed);
    if (auto answer = BodyFailureResponse(request.body_stream->failure(), received, stored)) {
      return *answer;
    }
  } else {
    LogInfo("STOW-RS: {} instance(s) stored, {} failed", stored, failed);
  }
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
