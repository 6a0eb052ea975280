#pragma once
// QuickAckLayer: the DCMTK transport layer for the associations pixeldex
// requests itself (C-MOVE sub-associations). Every connection it creates
// wraps a plain TCP connection, or the given TLS layer's, and re-arms quick
// ACKs after each read that returned data (quick_ack.h), so a destination
// that leaves Nagle on gets our ACKs at once and answers each C-STORE
// without waiting for our delayed-ACK timer. Accepted connections get the
// same from GuardedConnection.
//
//   auto layer = std::make_unique<QuickAckLayer>(tls ? &tls->layer() : nullptr);
//   ASC_setTransportLayer(network, layer.release(), 1);  // the network owns it
//
// Thread-safe as the wrapped layer is (DCMTK's are); each connection is used
// from one thread.

#include <dcmtk/dcmnet/dcmlayer.h>

namespace pixeldex::server {

class QuickAckLayer : public DcmTransportLayer {
 public:
  // `tls` (not owned, must outlive this layer) creates the connections when
  // an association asks for TLS; nullptr: plain TCP only.
  explicit QuickAckLayer(DcmTransportLayer* tls) : tls_(tls) {}

  DcmTransportConnection* createConnection(DcmNativeSocketType socket, OFBool secure) override;

 private:
  DcmTransportLayer* tls_;
};

}  // namespace pixeldex::server
