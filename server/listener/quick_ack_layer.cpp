#include "server/listener/quick_ack_layer.h"

#include <memory>

#include <dcmtk/dcmnet/dcmtrans.h>

#include "server/listener/quick_ack.h"

namespace pixeldex::server {
namespace {

// Forwards everything to the wrapped connection (which it owns), re-arming
// quick ACKs after each read that returned data.
class QuickAckConnection : public DcmTransportConnection {
 public:
  QuickAckConnection(DcmNativeSocketType socket, DcmTransportConnection* inner)
      : DcmTransportConnection(socket), inner_(inner) {}

  ssize_t read(void* buf, size_t nbyte) override {
    const ssize_t n = inner_->read(buf, nbyte);
    if (n > 0) RearmQuickAck(getSocket());
    return n;
  }
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

}  // namespace

DcmTransportConnection* QuickAckLayer::createConnection(DcmNativeSocketType socket,
                                                        OFBool secure) {
  DcmTransportConnection* inner = secure ? (tls_ != nullptr ? tls_->createConnection(socket, secure)
                                                            : nullptr)
                                         : DcmTransportLayer::createConnection(socket, secure);
  if (inner == nullptr) return nullptr;
  return new QuickAckConnection(socket, inner);
}

}  // namespace pixeldex::server
