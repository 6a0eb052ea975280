#pragma once
// The C-FIND SCP's network side (PS3.4 C.4.1, PS3.7 9.1.2): drives a
// FindQuery (find_query.h, which decides every response and lists the
// statuses) from a provider loop that checks for C-CANCEL between responses,
// as DIMSE_findProvider does, and sends exactly one final response, whatever
// fails. On Little Endian presentation contexts the pending responses carry
// identifiers encoded without DcmDataset (identifier_encoder.h,
// pending_response_writer.h). Pending responses are gathered into few socket
// writes (WriteCoalescer, at most ~2 ms late); the final response is written
// at once.
// Runs on the association's thread, on the read-only index connection that
// FindContext::reader lends (the association keeps it between requests, so
// its page cache stays warm).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include "server/find/find_query.h"

namespace pixeldex::server {

// `request` must hold a C-FIND-RQ received on `pres_id`. Returns the DIMSE
// condition of the exchange (a network failure), not the C-FIND status.
OFCondition HandleFindRequest(T_ASC_Association* assoc, T_DIMSE_Message& request,
                              T_ASC_PresentationContextID pres_id, const FindContext& context);

}  // namespace pixeldex::server
