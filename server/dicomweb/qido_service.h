#pragma once
// QIDO-RS (PS3.18 10.6) under /dicom-web: SearchForStudies, SearchForSeries
// and SearchForInstances at every resource of Table 10.6.1-2:
//   /studies  /series  /instances  /studies/{study}/series
//   /studies/{study}/instances  /studies/{study}/series/{series}/instances
// Each search runs through the C-FIND engine (qido_search.h builds its
// FindRequest; RunQidoSearch is the one hook to catalog/query) on a read-only
// index reader, SQLite or PostgreSQL (catalog/query/index_reader.h), and
// answers application/dicom+json (Annex F):
//   200  an array of matches, in the order they entered the index, after
//        offset, at most limit (and at most query.max_results; more -> a
//        Warning, 8.3.4.4); offset and limit are applied in the engine's SQL
//   204  no match (PS3.18 8.3.4.4.1; CP-2473 proposes 200 with [] instead)
//   400  a bad parameter or UID, with the reason in the body
//   406  an Accept the service cannot meet (only DICOM JSON is produced)
// fuzzymatching=true is answered with literal matching and a Warning header
// saying so (PS3.18 8.3.4.3). Thread-safe: each request opens its own
// reader.

#include <filesystem>
#include <functional>
#include <memory>

#include "catalog/common/result.h"
#include "catalog/query/find_options.h"
#include "catalog/query/index_reader.h"
#include "server/http/router.h"

namespace pixeldex::server {

struct DicomwebContext {
  // A read-only reader of the index, SQLite or PostgreSQL, for one QIDO-RS
  // or WADO-RS request (CatalogArchive::OpenFindReader): a pooled
  // connection, given back when the reader is destroyed.
  std::function<Result<std::unique_ptr<query::IndexReader>>()> open_index_reader;
  // PN case sensitivity and the result cap, as for C-FIND (query.*).
  query::FindOptions find_options;
  // "http" or "https", for the Retrieve URL (0008,1190) of each match.
  std::string scheme = "http";
  // storage.root: where the index's relative file paths are (WADO-RS retrieve).
  std::filesystem::path storage_root;
};

// Adds the QIDO-RS routes (RouteAccess::kRead) to `router`.
void AddQidoRoutes(Router& router, std::shared_ptr<const DicomwebContext> context);

}  // namespace pixeldex::server
