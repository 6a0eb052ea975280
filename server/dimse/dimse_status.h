#pragma once
// The one table from the catalog's Status codes to the statuses pixeldex
// answers with: one row per Status::Code, one column per DIMSE service, and
// one for HTTP (for DICOMweb, PS3.18). Every handler that turns a
// failed Status into a response status reads it here; statuses that do not
// come from a Status (cancel, pending, unsupported SOP Class, limits) stay
// with their handler. The table itself is in dimse_status.cpp.
//
// DIMSE statuses: PS3.4 B.2.3 (C-STORE), C.4.1.1.4 (C-FIND), C.4.2.1.5 and
// C.4.3.1.4 (C-MOVE, C-GET), and the general statuses of PS3.7 Annex C.

#include <dcmtk/dcmnet/dimse.h>

#include <span>

#include "catalog/common/status.h"

namespace pixeldex::server {

enum class DimseService { kStore, kFind, kRetrieve /* C-GET and C-MOVE */ };

struct StatusRow {
  Status::Code code;
  Uint16 store;
  Uint16 find;
  Uint16 retrieve;
  int http;
};

// The table above, in Status::Code order.
std::span<const StatusRow> StatusTable();

// The status `service` answers `status` with (Success for an ok Status).
Uint16 DimseStatusFor(DimseService service, const Status& status);
// The HTTP status DICOMweb answers `status` with.
int HttpStatusFor(const Status& status);

}  // namespace pixeldex::server
