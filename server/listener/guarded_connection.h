#pragma once
// GuardedConnection: a DCMTK transport connection (plain TCP or TLS) whose
// incoming bytes pass a PduInspector before DCMTK gets them. When the peer
// sends what the inspector refuses, the read fails: DCMTK then aborts the
// association, and one warning line names the peer and the reason. Its
// outgoing bytes pass a WriteCoalescer (write_coalescer.h), which the C-FIND
// bridge asks to gather pending responses into few writes.
// Owns the wrapped connection (ForwardingConnection); used from the
// association's thread only.

#include <dcmtk/dcmnet/assoc.h>

#include "server/listener/forwarding_connection.h"
#include "server/listener/pdu_inspector.h"
#include "server/listener/write_coalescer.h"

namespace pixeldex::server {

class GuardedConnection : public ForwardingConnection {
 public:
  GuardedConnection(DcmNativeSocketType socket, DcmTransportConnection* inner);
  ~GuardedConnection() override;

  ssize_t read(void* buf, size_t nbyte) override;
  ssize_t write(void* buf, size_t nbyte) override {
    return writes_.Write(static_cast<const char*>(buf), nbyte);
  }
  // Bytes still kept (an A-ABORT DCMTK wrote while a C-FIND held its
  // responses back) go out before the connection closes.
  void close() override {
    writes_.Release();
    ForwardingConnection::close();
  }
  void closeTransportConnection() override {
    writes_.Release();
    ForwardingConnection::closeTransportConnection();
  }

  WriteCoalescer& writes() { return writes_; }

 private:
  PduInspector inspector_;
  WriteCoalescer writes_;
  bool reported_ = false;
};

// The write coalescer of the association's connection, or nullptr when that
// is not a GuardedConnection (associations pixeldex requests itself).
WriteCoalescer* WriteCoalescerOf(T_ASC_Association* assoc);

// Holds the association's outgoing bytes back while it lives (from its
// constructor) and writes them out when it goes: what is sent meanwhile
// leaves in as few writes as the coalescer allows, one for a single DIMSE
// response, whose PDU header and command DCMTK writes on their own (two
// segments with TCP_NODELAY, two wake-ups of the peer; bench/README.md
// "One write per response"). Nothing happens for a connection that is not
// a GuardedConnection.
class HeldWrites {
 public:
  explicit HeldWrites(T_ASC_Association* assoc);
  ~HeldWrites();
  HeldWrites(const HeldWrites&) = delete;
  HeldWrites& operator=(const HeldWrites&) = delete;

 private:
  T_ASC_Association* assoc_;
};

}  // namespace pixeldex::server
