#pragma once
// Quick ACKs on the receiving side of a DICOM connection, so that a peer
// which leaves Nagle's algorithm on (DCMTK's tools without TCP_NODELAY in
// their environment, storescp, Orthanc, most DCMTK-based PACS) is not held
// up by our delayed ACKs.
//
// Why: the peer writes a C-STORE as several small writes (PDU header and
// command, then the data set). Nagle keeps a write smaller than a segment
// back until everything sent before it is acknowledged. Linux acknowledges
// an interactive connection's data late (up to ~40 ms, "delayed ACK") in the
// hope of piggybacking the ACK on a reply, but pixeldex cannot reply before
// the data set arrives: each exchange then waits for the delayed-ACK timer.
// Setting TCP_NODELAY on our own socket changes nothing about the peer's
// Nagle. TCP_QUICKACK (tcp(7)) makes the kernel send a pending ACK at once
// and leave delayed-ACK mode; the kernel clears it again by itself (e.g.
// when we send a reply), so it is re-armed after every read that returned
// data. One setsockopt costs ~1 us (bench/README.md "Quick ACKs").
//
// Thread-safe (one system call on the socket). No-op where TCP_QUICKACK
// does not exist.

#include <dcmtk/dcmnet/dcmtrans.h>

namespace pixeldex::server {

// Asks the kernel to acknowledge what `socket` has received at once, and to
// stay out of delayed-ACK mode until it decides otherwise. Errors (a socket
// that is not TCP, or already closed) are ignored: the ACK is then merely late.
void RearmQuickAck(DcmNativeSocketType socket);

}  // namespace pixeldex::server
