#pragma once
// The C-GET SCP (PS3.4 C.4.3) for the Patient Root and Study Root
// Query/Retrieve Information Models - GET: each matched instance goes back
// to the requestor as a C-STORE sub-operation on the same association, in a
// storage context for which the requestor accepted the SCP role (PS3.7
// D.3.3.4). One pending response after each sub-operation, C-CANCEL honoured
// between them (and noticed while a C-STORE-RSP is awaited), exactly one
// final response. Statuses: retrieve_operation.h.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include "server/retrieve/retrieve_operation.h"

namespace pixeldex::server {

// `request` must hold a C-GET-RQ received on `pres_id`. Returns the DIMSE
// condition of the exchange (a network failure), not the C-GET status.
OFCondition HandleGetRequest(T_ASC_Association* assoc, T_DIMSE_Message& request,
                             T_ASC_PresentationContextID pres_id, const RetrieveContext& context);

}  // namespace pixeldex::server
