#pragma once
// WADO-RS metadata (PS3.18 10.4.1.1.2) under /dicom-web:
//   /studies/{study}/metadata
//   /studies/{study}/series/{series}/metadata
//   /studies/{study}/series/{series}/instances/{instance}/metadata
// answered application/dicom+json, an array of one DICOM JSON object per
// instance, straight from the index's stored headers (no file opened).
// Bulk data appears as "BulkDataURI": "<root>/studies/.../instances/{i}/
// bulkdata/GGGGEEEE" (the stored relative URI made absolute with the
// request's Host; path-absolute without one), which the bulk data service
// (wado_bulkdata_service.h) serves. 404 when nothing matches; 400 for a malformed UID;
// 406 for an Accept without DICOM JSON. Thread-safe.

#include <memory>

#include "server/dicomweb/qido_service.h"
#include "server/http/router.h"

namespace pixeldex::server {

void AddWadoMetadataRoutes(Router& router, std::shared_ptr<const DicomwebContext> context);

}  // namespace pixeldex::server
