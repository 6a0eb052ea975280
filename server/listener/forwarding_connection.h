#pragma once
// ForwardingConnection: a DCMTK transport connection that owns another one
// (plain TCP or TLS) and forwards every call to it. The connection wrappers
// (GuardedConnection for accepted associations, the quick-ACK connection of
// the associations pixeldex requests) derive from it and override only the
// calls they change. Used from one thread, as DCMTK uses any connection.

#include <memory>

#include <dcmtk/dcmnet/dcmtrans.h>

namespace pixeldex::server {

class ForwardingConnection : public DcmTransportConnection {
 public:
  // Takes ownership of `inner`, which talks over `socket`.
  ForwardingConnection(DcmNativeSocketType socket, DcmTransportConnection* inner)
      : DcmTransportConnection(socket), inner_(inner) {}

  ssize_t read(void* buf, size_t nbyte) override { return inner_->read(buf, nbyte); }
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
};

}  // namespace pixeldex::server
