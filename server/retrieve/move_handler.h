#pragma once
// The C-MOVE SCP (PS3.4 C.4.2) for the Patient Root and Study Root
// Query/Retrieve Information Models - MOVE: the matched instances go to the
// Move Destination (an AE title of move.destinations) over an association
// pixeldex opens (store_association.h); each C-STORE-RQ carries the Move
// Originator AE Title and Message ID. One pending response after each
// sub-operation, C-CANCEL honoured between them, exactly one final response.
// Statuses: retrieve_operation.h; A801 for an unknown destination, A702 when
// it cannot be reached.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include "server/retrieve/retrieve_operation.h"

namespace pixeldex::server {

// `request` must hold a C-MOVE-RQ received on `pres_id`. Returns the DIMSE
// condition of the exchange (a network failure), not the C-MOVE status.
OFCondition HandleMoveRequest(T_ASC_Association* assoc, T_DIMSE_Message& request,
                              T_ASC_PresentationContextID pres_id, const RetrieveContext& context);

}  // namespace pixeldex::server
