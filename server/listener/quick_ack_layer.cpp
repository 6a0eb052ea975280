#include "server/listener/quick_ack_layer.h"

#include "server/listener/forwarding_connection.h"
#include "server/listener/quick_ack.h"

namespace pixeldex::server {
namespace {

// Re-arms quick ACKs after each read that returned data; forwards the rest.
class QuickAckConnection : public ForwardingConnection {
 public:
  using ForwardingConnection::ForwardingConnection;

  ssize_t read(void* buf, size_t nbyte) override {
    const ssize_t n = ForwardingConnection::read(buf, nbyte);
    if (n > 0) RearmQuickAck(getSocket());
    return n;
  }
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
