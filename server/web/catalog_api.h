#pragma once
// The small JSON API the web page needs beside DICOMweb, all read from the
// index (RouteAccess::kRead, answers application/json, Cache-Control:
// no-store, errors {"error": ...}):
//   GET /api/instances/{uid}        the file facts of one instance: path,
//       size, SHA-256, sender (calling/called AE, peer), received at, source,
//       transfer syntax, SOP class, its study and series UIDs; 404 unknown
//   GET /api/instances/{uid}/file   the stored file itself, application/dicom,
//       as an attachment named {uid}.dcm (the page's download link)
//   GET /api/series/{uid}           {"instances": N, "frames": M,
//       "size_bytes": S} of one series (an instance with pixels and no Number
//       of Frames counts one frame); 404 unknown
//   GET /api/series/{uid}/files     the stored files of a series as one ZIP
//       archive (stored, not compressed; zip_archive.h), named
//       NNNNN-{sop uid}.dcm by instance number; 413 past 1 GiB
//   GET /api/instances/{uid}/thumbnail  its thumbnail (image/png; for the
//       SQL console, which knows SOP Instance UIDs only)
//   GET /api/changes                {"last_instance": N, "studies": M}: the
//       newest instance key and the number of studies, two index lookups,
//       which the page polls to show new studies without reloading
//   GET /api/dictionary             {"GGGGEEEE": "Keyword", ...} from the
//       index's dicom_dictionary table (PS3.6), for the tag table
// UIDs in the path are checked as UIDs (PS3.5 9.1) before any use.
// Thread-safe: each request reads through a reader of its own (a pooled
// SQLite or PostgreSQL connection, WebContext::open_reader).

#include <memory>

#include "server/http/router.h"
#include "server/web/web_context.h"

namespace pixeldex::server {

void AddCatalogApiRoutes(Router& router, std::shared_ptr<const WebContext> context);

}  // namespace pixeldex::server
