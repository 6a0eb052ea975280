#pragma once
// TCP_NODELAY on an association's socket, accepted or requested. DCMTK
// disables Nagle only when the TCP_NODELAY environment variable is set;
// without it every DIMSE exchange stalls ~40 ms on delayed ACKs. pixeldex sets
// the option on each socket itself, whatever the environment says.

#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dcmtrans.h>

namespace pixeldex::server {

// Sets TCP_NODELAY on the association's transport socket; logs a warning
// when it cannot. Safe on any association that has a transport connection.
void DisableNagle(T_ASC_Association* assoc);
// The same on a socket, e.g. one just accepted, before a TLS handshake.
void DisableNagle(DcmNativeSocketType socket);

}  // namespace pixeldex::server
