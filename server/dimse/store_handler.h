#pragma once
// The C-STORE SCP (PS3.4 Annex B): receives one instance straight to a file in
// the incoming directory (bounded memory, bit-preserving: stored exactly as
// received), runs it through the ingest pipeline and sends exactly one
// C-STORE-RSP: 0000 only once the file and its rows are durable.

#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include "server/association/server_context.h"

namespace pixeldex::server {

// Returns a network-level failure only (the association must then end);
// every other failure is reported to the peer in the response status.
OFCondition HandleStoreRequest(T_ASC_Association* assoc, const T_DIMSE_C_StoreRQ& request,
                               T_ASC_PresentationContextID pres_id, const ServerContext& context,
                               AssociationStats& stats);

// True when the storage file system has less free space than
// storage.min_free_mb (C-STOREs are then refused with A700).
bool BelowFreeSpaceThreshold(const ServerContext& context);

}  // namespace pixeldex::server
