#pragma once
// The C-STORE SCP's network side (PS3.4 Annex B): receives one instance
// straight to a file in the incoming directory (bounded memory,
// bit-preserving: stored exactly as received) and sends exactly one
// C-STORE-RSP, whose status StoreService decides (store_service.h): 0000
// only once the file and its rows are durable.

#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include "server/association/server_context.h"
#include "server/dimse/store_service.h"

namespace pixeldex::server {

// Returns a network-level failure only (the association must then end);
// every other failure is reported to the peer in the response status.
OFCondition HandleStoreRequest(T_ASC_Association* assoc, const T_DIMSE_C_StoreRQ& request,
                               T_ASC_PresentationContextID pres_id, const ServerContext& context,
                               AssociationStats& stats);

}  // namespace pixeldex::server
