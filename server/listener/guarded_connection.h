#pragma once
// GuardedConnection: a DCMTK transport connection (plain TCP or TLS) whose
// incoming bytes pass a PduInspector before DCMTK gets them. When the peer
// sends what the inspector refuses, the read fails: DCMTK then aborts the
// association, and one warning line names the peer and the reason.
// Owns the wrapped connection; used from the association's thread only.

#include <memory>

#include <dcmtk/dcmnet/dcmtrans.h>

#include "server/listener/pdu_inspector.h"

namespace pixeldex::server {

class GuardedConnection : public DcmTransportConnection {
 public:
  GuardedConnection(DcmNativeSocketType socket, DcmTransportConnection* inner);
  ~GuardedConnection() override;

  ssize_t read(void* buf, size_t nbyte) override;
  ssize_t write(void* buf, size_t nbyte) override { return inner_->write(buf, nbyte); }
  OFCondition serverSideHandshake() override { return inner_->serverSideHandshake(); }
  OFCondition clientSideHandshake() override { return inner_->clientSideHandshake(); }
  OFCondition renegotiate(const char* suite) override { return inner_->renegotiate(suite); }
  void close() override { inner_->close(); }
  void closeTransportConnection() override { inner_->closeTransportConnection(); }
  unsigned long getPeerCertificateLength() override { return inner_->getPeerCertificateLength(); }
  unsigned long getPeerCertificate(void* buf, unsigned long length) override {
    return inner_->getPeerCertificate(buf, length);
  }
  OFBool networkDataAvailable(int timeout) override { return inner_->networkDataAvailable(timeout); }
  OFBool isTransparentConnection() override { return inner_->isTransparentConnection(); }
  OFString& dumpConnectionParameters(OFString& str) override {
    return inner_->dumpConnectionParameters(str);
  }

 private:
  std::unique_ptr<DcmTransportConnection> inner_;
  PduInspector inspector_;
  bool reported_ = false;
};

}  // namespace pixeldex::server
