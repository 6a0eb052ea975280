#pragma once
// The TCP socket under an association, accepted or requested, and its
// timeouts. DCMTK does the TLS handshake, and reads the rest of a PDU whose
// header has arrived (or writes one), in blocking mode, bounded only by the
// socket's SO_RCVTIMEO and SO_SNDTIMEO.

#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dcmtrans.h>

namespace pixeldex::server {

// The association's transport socket, or DCMNET_INVALID_SOCKET when it has
// no transport connection.
DcmNativeSocketType SocketOf(T_ASC_Association* assoc);

// Bounds each blocking read and write on `socket` to `seconds`.
void SetSocketTimeouts(DcmNativeSocketType socket, int seconds);

}  // namespace pixeldex::server
