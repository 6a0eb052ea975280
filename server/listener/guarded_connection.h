#pragma once
// GuardedConnection: a DCMTK transport connection (plain TCP or TLS) whose
// incoming bytes pass a PduInspector before DCMTK gets them. When the peer
// sends what the inspector refuses, the read fails: DCMTK then aborts the
// association, and one warning line names the peer and the reason. Its
// outgoing bytes pass a WriteCoalescer (write_coalescer.h), which the C-FIND
// bridge asks to gather pending responses into few writes.
// Owns the wrapped connection; used from the association's thread only.

#include <memory>

#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dcmtrans.h>

#include "server/listener/pdu_inspector.h"
#include "server/listener/write_coalescer.h"

namespace pixeldex::server {

class GuardedConnection : public DcmTransportConnection {
 public:
  GuardedConnection(DcmNativeSocketType socket, DcmTransportConnection* inner);
  ~GuardedConnection() override;

  ssize_t read(void* buf, size_t nbyte) override;
  ssize_t write(void* buf, size_t nbyte) override {
    return writes_.Write(static_cast<const char*>(buf), nbyte);
  }
  OFCondition serverSideHandshake() override { return inner_->serverSideHandshake(); }
  OFCondition clientSideHandshake() override { return inner_->clientSideHandshake(); }
  OFCondition renegotiate(const char* suite) override { return inner_->renegotiate(suite); }
  // Bytes still kept (an A-ABORT DCMTK wrote while a C-FIND held its
  // responses back) go out before the connection closes.
  void close() override {
    writes_.Release();
    inner_->close();
  }
  void closeTransportConnection() override {
    writes_.Release();
    inner_->closeTransportConnection();
  }
  unsigned long getPeerCertificateLength() override { return inner_->getPeerCertificateLength(); }
  unsigned long getPeerCertificate(void* buf, unsigned long length) override {
    return inner_->getPeerCertificate(buf, length);
  }
  OFBool networkDataAvailable(int timeout) override { return inner_->networkDataAvailable(timeout); }
  OFBool isTransparentConnection() override { return inner_->isTransparentConnection(); }
  OFString& dumpConnectionParameters(OFString& str) override {
    return inner_->dumpConnectionParameters(str);
  }

  WriteCoalescer& writes() { return writes_; }

 private:
  std::unique_ptr<DcmTransportConnection> inner_;
  PduInspector inspector_;
  WriteCoalescer writes_;
  bool reported_ = false;
};

// The write coalescer of the association's connection, or nullptr when that
// is not a GuardedConnection (associations pixeldex requests itself).
WriteCoalescer* WriteCoalescerOf(T_ASC_Association* assoc);

}  // namespace pixeldex::server
