#pragma once
// STOW-RS (PS3.18 10.5) under /dicom-web, for users that may write
// (RouteAccess::kWrite: read-only users get 403):
//   POST /studies           store the instances of any study
//   POST /studies/{study}   store instances of that study only; a part of
//                           another study fails (A900) and is not stored
// The request is multipart/related; type="application/dicom" (RFC 2387;
// the boundary may be quoted): each part one DICOM PS3.10 file. The body is
// read as it arrives (HttpRequest::body_stream; http.max_stow_mb), once,
// front to back, by a streaming multipart parser (multipart_reader.h), so
// memory does not grow with the request. Each part is written to the
// incoming directory as posted, byte for byte, while it arrives, and goes
// through the same ingest pipeline as a C-STORE once it is whole, while the
// next part arrives (stow_receiver.h: validation, storage.duplicates,
// thumbnails, fsync, index, events, storage.min_free_mb; up to 4 parts at a
// time); the answer is sent once every stored part is durable and indexed.
// A part that fails never affects the others; a part the body ends inside
// (truncated, the connection closed) is removed and never stored. A body
// that stops arriving for http.request_timeout_seconds is answered 408, one
// over http.max_stow_mb 413 (both naming how many parts were stored). The answer is the Store Instances Response
// (stow_response.h): 200, 202 or 409. Refused as a whole: 400 for a body
// that is not multipart at all, has no parts or a bad {study}; 415 for
// another media type, including the metadata + bulk data form
// (type="application/dicom+json" or "+xml"), which is not implemented; 406
// for an Accept without DICOM JSON. Thread-safe.

#include <memory>
#include <string>

#include "catalog/common/cached_thread_pool.h"
#include "server/association/server_context.h"
#include "server/http/router.h"

namespace pixeldex::server {

struct StowContext {
  // The running server's pipeline, store, writer, metrics and settings.
  const ServerContext& server;
  // "http" or "https", for the Retrieve URLs.
  std::string scheme = "http";
  // The threads that store the parts (stow_receiver.h), reused across
  // parts and requests rather than started per part; joined when the
  // routes go.
  std::unique_ptr<CachedThreadPool> part_workers = std::make_unique<CachedThreadPool>();
};

void AddStowRoutes(Router& router, std::shared_ptr<const StowContext> context);

}  // namespace pixeldex::server
