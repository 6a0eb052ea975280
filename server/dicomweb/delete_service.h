#pragma once
// DELETE on the DICOMweb Studies resources, for users that may write
// (RouteAccess::kWrite: read-only users get 403, a request without
// credentials 401 when users or tokens are configured):
//   DELETE /dicom-web/studies/{study}
//   DELETE /dicom-web/studies/{study}/series/{series}
//   DELETE /dicom-web/studies/{study}/series/{series}/instances/{instance}
// PS3.18 defines no Delete transaction; the answers follow what DICOMweb
// servers that offer one do (the Azure DICOM service's conformance
// statement, "Delete": 204 No Content, 404 Not Found; dcm4chee-arc's
// DELETE of a study: 204, 404; Google's Cloud Healthcare API deletes the
// same three resources; README "DELETE over DICOMweb"): 204 once every instance
// of the resource is deleted, 404 when the index has no instance there (a
// series asked under another study is not found), 400 for a malformed UID,
// 409 Conflict when the study is protected (`pixeldex protect`; nothing is
// deleted, the body says why, the refusal is logged with the user and the
// UIDs as fields), 500 when an instance could not be deleted (the others still are, and the
// body lists the failures). Each instance goes through the crash-safe
// deleter of `pixeldex delete` (catalog/reconcile/instance_deleter.h): its
// rows are gone, so C-FIND and QIDO-RS stop returning it (on every node of a
// PostgreSQL index), before the answer is sent; each is an event `deleted` whose detail is
// "user <name>: DICOMweb DELETE <path>" (the name "anonymous" when no users
// are configured). The same on a SQLite and a PostgreSQL index (the index
// read through the server's find readers and ArchiveReads). One DELETE at a
// time in a server; the deleter's instance lock keeps two nodes from
// deleting one instance twice. Thread-safe.

#include <memory>

#include "server/association/server_context.h"
#include "server/http/router.h"

namespace pixeldex::server {

// `server`: the running server's store, writer and readers; outlives the router.
void AddDeleteRoutes(Router& router, const ServerContext& server);

}  // namespace pixeldex::server
